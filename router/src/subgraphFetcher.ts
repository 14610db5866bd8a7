import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { Agent } from 'undici';
import { settleWithin } from '@supergraph/common';
import { BufferedResponse } from './bufferedResponse.ts';
import { InFlight } from './inFlight.ts';

export interface SubgraphTransportOptions {
  connections: number;
  timeoutMs: number;
}

type FetchInit = { method?: string; headers?: Record<string, string>; body?: string };

/**
 * One keep-alive connection pool (undici) shared by every subgraph fetch, so
 * the router does not pay a TCP handshake per query plan step. Requests go
 * through undici's `request`, not its `fetch`: profiled under load, fetch's
 * WHATWG streams and Request/Response objects took a sixth of the router's
 * CPU; the answer is read whole into a BufferedResponse instead.
 *
 * `close(graceMs)` lets fetches in flight finish for at most `graceMs`, then
 * aborts the rest: their operations get SERVICE_UNAVAILABLE at once (the
 * abort is a transport failure, see subgraphUnavailable.ts) instead of
 * waiting out SUBGRAPH_TIMEOUT_MS on a pool that is going away. A fetch
 * started after that fails the same way (undici's UND_ERR_CLOSED).
 */
export function createSubgraphFetcher({ connections, timeoutMs }: SubgraphTransportOptions) {
  const agent = new Agent({ connections, keepAliveTimeout: 30_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const targets = new Map<string, { origin: string; path: string }>();
  const pending = new InFlight();
  const controllers = new Set<AbortController>();
  const send = async (url: string, init: FetchInit, signal: AbortSignal) => {
    let target = targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      targets.set(url, (target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` }));
    }
    const response = await agent.request({ ...target, method: (init.method ?? 'GET') as 'GET', headers: init.headers, body: init.body, signal });
    return new BufferedResponse(url, response.statusCode, response.statusText, response.headers, await response.body.text());
  };
  const fetcher = (url: string, init: FetchInit = {}) => {
    const controller = new AbortController();
    controllers.add(controller);
    return pending.track(send(url, init, controller.signal).finally(() => controllers.delete(controller)));
  };
  return {
    fetcher: fetcher as unknown as RemoteGraphQLDataSource['fetcher'],
    close: async (graceMs: number) => {
      if (!(await pending.settled(graceMs))) {
        const reason = Object.assign(new Error('The router is stopping: this subgraph fetch outlived the shutdown grace period.'), { code: 'ECONNABORTED' });
        for (const controller of controllers) controller.abort(reason);
      }
      if (!(await settleWithin(agent.close(), graceMs))) await agent.destroy();
    },
  };
}
