import { createClient } from 'graphql-sse';
import { latencyOf, reportError, type Subscribers } from './wsSubscribers.ts';

/**
 * `count` anonymous graphql-sse subscriptions of `query` in "distinct
 * connections" mode: each its own POST `accept: text/event-stream` stream.
 */
export function openSseSubscribers(url: string, query: string, count: number): Subscribers {
  const latencies: number[] = [];
  const clients = Array.from({ length: count }, () => {
    const client = createClient({ url, retryAttempts: 0 });
    client.subscribe({ query }, { next: (result) => latencies.push(latencyOf(result)), error: reportError, complete: () => {} });
    return client;
  });
  return { latencies, dispose: async () => clients.forEach((client) => client.dispose()) };
}
