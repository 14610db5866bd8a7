import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { FetchOutcome, RouterMetrics } from './routerMetrics.ts';

type Fetcher = RemoteGraphQLDataSource['fetcher'];

/**
 * Records each fetch to one subgraph in `router_subgraph_fetch_duration_seconds`.
 * It wraps what the gateway calls, so a fetch that joined an identical one
 * in flight (deduplicatingFetcher) counts the time it waited for it.
 */
export function timedFetcher(fetcher: Fetcher, subgraph: string, metrics: RouterMetrics): Fetcher {
  return (async (...args: Parameters<Fetcher>) => {
    const stopTimer = metrics.subgraphFetchDuration.startTimer({ subgraph });
    let outcome: FetchOutcome = 'unavailable';
    try {
      const response = await fetcher(...args);
      outcome = response.ok ? 'ok' : 'error';
      return response;
    } finally {
      stopTimer({ outcome });
    }
  }) as Fetcher;
}
