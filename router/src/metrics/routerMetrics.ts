import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** How a subgraph fetch ended: an answer (2xx), an error status, or no answer at all (refused, reset, timed out). */
export type FetchOutcome = 'ok' | 'error' | 'unavailable';

/** What the router counts of itself, on the service's registry; gauges read their value at each scrape. */
export interface RouterMetricsSources {
  subscriptions: () => number;
  webSockets: () => number;
  sseStreams: () => number;
}

export type RouterMetrics = ReturnType<typeof createRouterMetrics>;

/** The router's metrics beyond the request histogram every service has (common/metrics). */
export function createRouterMetrics(registry: Registry) {
  const subgraphFetchDuration = new Histogram({
    name: 'router_subgraph_fetch_duration_seconds',
    help: 'Fetches from the router to a subgraph, by subgraph and outcome (ok, error, unavailable).',
    labelNames: ['subgraph', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const deduplicated = new Counter({
    name: 'router_requests_deduplicated_total',
    help: 'Operations (kind=operation) and subgraph fetches (kind=fetch) that joined an identical one in flight instead of running.',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const cacheHits = new Counter({
    name: 'router_cache_hits_total',
    help: 'Persisted documents found by hash: registered at build time (cache=persisted_documents) or at run time by APQ (cache=apq).',
    labelNames: ['cache'] as const,
    registers: [registry],
  });
  const eventDeliveryLag = new Histogram({
    name: 'router_event_delivery_lag_seconds',
    help: "From an event's occurredAt to its result pushed to its live subscribers (replays of missed events excluded).",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  // Every series exists from the start, so rates over them work before the first increment.
  for (const kind of ['operation', 'fetch']) deduplicated.labels({ kind });
  for (const cache of ['persisted_documents', 'apq']) cacheHits.labels({ cache });

  return {
    subgraphFetchDuration,
    deduplicated,
    cacheHits,
    eventDeliveryLag,
    /** The gauges, once what they read exists (the hub and the servers start after the HTTP shell). */
    observe(sources: RouterMetricsSources): void {
      const gauge = (name: string, help: string, read: () => number) =>
        new Gauge({
          name,
          help,
          registers: [registry],
          collect() {
            this.set(read());
          },
        });
      gauge('router_subscriptions_active', 'Subscriptions open on this router, over WebSockets and SSE.', sources.subscriptions);
      gauge('router_websockets_open', 'WebSocket connections open on this router.', sources.webSockets);
      gauge('router_sse_streams_open', 'Server-Sent Events streams open on this router.', sources.sseStreams);
    },
  };
}
