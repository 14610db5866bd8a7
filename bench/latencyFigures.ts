import { percentile } from './percentiles.ts';

export interface LatencyFigures {
  name: string;
  delivered: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
}

export function latencyFigures(name: string, latencies: number[], elapsedMs: number): LatencyFigures {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    name,
    delivered: latencies.length,
    perSecond: latencies.length / (elapsedMs / 1000),
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
  };
}

export const latencyHeader = () =>
  `${'path'.padEnd(24)}${'delivered'.padStart(10)}${'msg/s'.padStart(10)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'p99 ms'.padStart(9)}`;

export const latencyRow = (f: LatencyFigures) =>
  `${f.name.padEnd(24)}${String(f.delivered).padStart(10)}${f.perSecond.toFixed(0).padStart(10)}${f.p50.toFixed(0).padStart(9)}${f.p95.toFixed(0).padStart(9)}${f.p99.toFixed(0).padStart(9)}`;

/** How many times slower `ours` is than `reference` (throughput as ours/reference). */
export const ratioRow = (name: string, ours: LatencyFigures, reference: LatencyFigures) =>
  `${name.padEnd(24)}${''.padStart(10)}${(ours.perSecond / reference.perSecond).toFixed(2).padStart(10)}${(ours.p50 / Math.max(reference.p50, 1)).toFixed(1).padStart(9)}${(ours.p95 / Math.max(reference.p95, 1)).toFixed(1).padStart(9)}${(ours.p99 / Math.max(reference.p99, 1)).toFixed(1).padStart(9)}`;
