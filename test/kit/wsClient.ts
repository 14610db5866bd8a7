import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface Subscription {
  /** Every result received so far, in order. */
  results: any[];
  /** Resolves with the n-th result (1-based) once it has arrived. */
  nth: (n: number, timeoutMs?: number) => Promise<any>;
  /** Set when the server ends the subscription with an error. */
  error: () => unknown;
  dispose: () => void;
}

/** A graphql-ws client as a browser app would open one, with the token in connection_init. */
export function wsClient(httpUrl: string, token?: string): Client {
  return createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
}

export function subscribe(client: Client, query: string, variables: Record<string, unknown> = {}): Subscription {
  const results: any[] = [];
  const waiters: (() => void)[] = [];
  let failure: unknown;
  const notify = () => waiters.splice(0).forEach((wake) => wake());
  const dispose = client.subscribe(
    { query, variables },
    {
      next: (result) => {
        results.push(result);
        notify();
      },
      error: (error) => {
        failure = error;
        notify();
      },
      complete: notify,
    },
  );
  return {
    results,
    error: () => failure,
    dispose,
    nth: async (n, timeoutMs = 5_000) => {
      const deadline = Date.now() + timeoutMs;
      while (results.length < n) {
        if (failure) throw new Error(`subscription failed: ${JSON.stringify(failure)}`);
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new Error(`expected ${n} results within ${timeoutMs} ms, got ${results.length}: ${JSON.stringify(results)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, remaining);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return results[n - 1];
    },
  };
}
