import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

/** Subscribers opened by the bench, and the outbox-write-to-client latency of every result they got. */
export interface Subscribers {
  latencies: number[];
  dispose(): Promise<void>;
}

/** Milliseconds from the event's outbox write (`extensions.event.occurredAt`) to now. */
export const latencyOf = (result: any) => Date.now() - Date.parse(result.extensions.event.occurredAt);

export const reportError = (error: unknown) => console.error('subscription error', error);

/**
 * graphql-ws subscriptions of `query`, one socket per entry of `sockets`:
 * each entry is that socket's token (null: anonymous) and how many
 * subscriptions it carries.
 */
export function openWsSubscribers(httpUrl: string, query: string, sockets: { token: string | null; subscriptions: number }[]): Subscribers {
  const latencies: number[] = [];
  const clients = sockets.map(({ token, subscriptions }) => {
    const client = createClient({
      url: httpUrl.replace('http', 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      ...(token ? { connectionParams: { authorization: `Bearer ${token}` } } : {}),
    });
    for (let i = 0; i < subscriptions; i++) {
      client.subscribe({ query }, { next: (result) => latencies.push(latencyOf(result)), error: reportError, complete: () => {} });
    }
    return client;
  });
  return { latencies, dispose: async () => void (await Promise.all(clients.map((client) => client.dispose()))) };
}
