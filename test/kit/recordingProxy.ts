import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadRouterConfig, startRouter, type Router } from '@supergraph/router';
import { afterAll, beforeAll } from 'vitest';
import { startSubgraphForTest } from './subgraphs.ts';

/** An HTTP proxy in front of a service that remembers the headers of every request it forwards and counts connections. */
export async function startRecordingProxy(target: string) {
  const seen: http.IncomingHttpHeaders[] = [];
  const targetUrl = new URL(target);
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    const upstream = http.request(
      { host: targetUrl.hostname, port: targetUrl.port, path: targetUrl.pathname, method: req.method, headers: req.headers },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${targetUrl.pathname}`,
    requests: seen,
    /** TCP connections opened to the proxy so far: keep-alive keeps this low. */
    get connections() {
      return connections;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type RecordingProxy = Awaited<ReturnType<typeof startRecordingProxy>>;

/**
 * The three subgraphs behind a router whose requests to the users subgraph
 * pass through a recording proxy: what the router sends a subgraph, header
 * by header.
 */
export async function startRouterRecordingUsers(): Promise<{ router: Router; proxy: RecordingProxy; stop: () => Promise<void> }> {
  const [users, notes, orders] = await Promise.all([startSubgraphForTest('users'), startSubgraphForTest('notes'), startSubgraphForTest('orders')]);
  const proxy = await startRecordingProxy(users.url);
  const router = await startRouter(
    loadRouterConfig({ ...process.env, ROUTER_PORT: '0', USERS_ROUTING_URL: proxy.url, NOTES_ROUTING_URL: notes.url, ORDERS_ROUTING_URL: orders.url }),
  );
  return {
    router,
    proxy,
    stop: async () => {
      await router.stop();
      await proxy.stop();
      await Promise.all([users.stop(), notes.stop(), orders.stop()]);
    },
  };
}

/** `startRouterRecordingUsers` for a whole test file: started before its tests, stopped after them. */
export function routerRecordingUsers(): { router: Router; proxy: RecordingProxy } {
  const started = {} as Awaited<ReturnType<typeof startRouterRecordingUsers>>;
  beforeAll(async () => void Object.assign(started, await startRouterRecordingUsers()));
  afterAll(() => started.stop?.());
  return started;
}
