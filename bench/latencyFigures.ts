import { percentile } from './percentiles.ts';

export interface LatencyFigures {
  name: string;
  delivered: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** CPU microseconds per message delivered: the server's (router, or the raw broadcast loop) and the clients' (the bench process). */
  serverCpuUs: number;
  clientsCpuUs: number;
}

/** CPU seconds spent during a run: the server's and the clients'. */
export interface RunCpu {
  server: number;
  clients: number;
}

export function latencyFigures(name: string, latencies: number[], elapsedMs: number, cpu: RunCpu): LatencyFigures {
  const sorted = [...latencies].sort((a, b) => a - b);
  const perMessageUs = (seconds: number) => (latencies.length ? (seconds * 1e6) / latencies.length : Number.NaN);
  return {
    name,
    delivered: latencies.length,
    perSecond: latencies.length / (elapsedMs / 1000),
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    serverCpuUs: perMessageUs(cpu.server),
    clientsCpuUs: perMessageUs(cpu.clients),
  };
}

/** The bench process's own CPU seconds so far (user + system). */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

export const latencyHeader = () =>
  `${'path'.padEnd(24)}${'delivered'.padStart(10)}${'msg/s'.padStart(10)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'server µs/msg'.padStart(15)}${'clients µs/msg'.padStart(16)}`;

export const latencyRow = (f: LatencyFigures) =>
  `${f.name.padEnd(24)}${String(f.delivered).padStart(10)}${f.perSecond.toFixed(0).padStart(10)}${f.p50.toFixed(0).padStart(9)}${f.p95.toFixed(0).padStart(9)}${f.p99.toFixed(0).padStart(9)}${f.serverCpuUs.toFixed(1).padStart(15)}${f.clientsCpuUs.toFixed(1).padStart(16)}`;

/** How many times slower `ours` is than `reference` (throughput as ours/reference). */
export const ratioRow = (name: string, ours: LatencyFigures, reference: LatencyFigures) =>
  `${name.padEnd(24)}${''.padStart(10)}${(ours.perSecond / reference.perSecond).toFixed(2).padStart(10)}${(ours.p50 / Math.max(reference.p50, 1)).toFixed(1).padStart(9)}${(ours.p95 / Math.max(reference.p95, 1)).toFixed(1).padStart(9)}${(ours.p99 / Math.max(reference.p99, 1)).toFixed(1).padStart(9)}${(ours.serverCpuUs / reference.serverCpuUs).toFixed(1).padStart(15)}${(ours.clientsCpuUs / reference.clientsCpuUs).toFixed(1).padStart(16)}`;
