import { Counter } from 'prom-client';
import { createMetricsRegistry } from '@supergraph/common';

export interface BridgeCounts {
  delivered: number;
  duplicates: number;
  deadLettered: number;
  retries: number;
}

export type BridgeMetrics = ReturnType<typeof createBridgeMetrics>;

/** The bridge's counters, with the process metrics, on a registry of their own so several bridges can run in one process (tests). */
export function createBridgeMetrics() {
  const registry = createMetricsRegistry('bridge');
  const delivered = new Counter({
    name: 'bridge_events_delivered_total',
    help: 'Events published to Redis.',
    registers: [registry],
  });
  const duplicates = new Counter({
    name: 'bridge_events_duplicate_total',
    help: 'Events dropped because their id was already published.',
    registers: [registry],
  });
  const deadLettered = new Counter({
    name: 'bridge_events_dead_lettered_total',
    help: 'Messages moved to the dead-letter queue, by why: malformed, or undeliverable after the maximum attempts.',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  // Both series exist from the start, so a rate over them works before the first dead letter.
  for (const reason of ['malformed', 'undeliverable']) deadLettered.labels({ reason });
  const retries = new Counter({
    name: 'bridge_publish_retries_total',
    help: 'Failed publish attempts that were retried after a backoff.',
    registers: [registry],
  });

  const total = async (counter: Counter<string>) => (await counter.get()).values.reduce((sum, { value }) => sum + value, 0);

  return {
    registry,
    delivered,
    duplicates,
    deadLettered,
    retries,
    /** Current totals, for tests and logs. */
    async counts(): Promise<BridgeCounts> {
      return {
        delivered: await total(delivered),
        duplicates: await total(duplicates),
        deadLettered: await total(deadLettered),
        retries: await total(retries),
      };
    },
  };
}
