import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * A Prometheus registry of one service's own, with Node's process metrics
 * (CPU, memory, event loop lag, GC) on it. Never prom-client's global
 * registry: `npm start` and the tests run several services in one process,
 * and metrics of the same name on one registry would collide (or, worse,
 * add up across services).
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  // Every series names its service, so one Prometheus job can scrape them all.
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}
