import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadRouterConfig, startRouter, type Router } from '@supergraph/router';
import { graphql } from '../test/kit/graphql.ts';
import { startRecordingProxy } from '../test/kit/recordingProxy.ts';
import { startSubgraphForTest, type StartedSubgraph } from '../test/kit/subgraphs.ts';
import { tokenFor } from '../test/kit/tokens.ts';

let users: StartedSubgraph<'users'>;
let notes: StartedSubgraph<'notes'>;
let orders: StartedSubgraph<'orders'>;
let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
let router: Router;

beforeAll(async () => {
  [users, notes, orders] = await Promise.all([startSubgraphForTest('users'), startSubgraphForTest('notes'), startSubgraphForTest('orders')]);
  proxy = await startRecordingProxy(users.url);
  router = await startRouter(
    loadRouterConfig({ ...process.env, ROUTER_PORT: '0', USERS_ROUTING_URL: proxy.url, NOTES_ROUTING_URL: notes.url, ORDERS_ROUTING_URL: orders.url }),
  );
});
afterAll(async () => {
  await router?.stop();
  await proxy?.stop();
  await Promise.all([users?.stop(), notes?.stop(), orders?.stop()]);
});

it("forwards the caller's Authorization and request id to subgraphs over a kept-alive connection", async () => {
  const token = await tokenFor('00000000-0000-4000-8000-000000000001');
  for (const requestId of ['req-1', 'req-2', 'req-3']) {
    await graphql(router.url, '{ users(first: 1) { totalCount } }', {}, { token, headers: { 'x-request-id': requestId } });
  }
  const forwarded = proxy.requests.filter((headers) => String(headers['x-request-id']).startsWith('req-'));
  expect(forwarded.map((headers) => headers['x-request-id'])).toEqual(['req-1', 'req-2', 'req-3']);
  expect(forwarded.every((headers) => headers.authorization === `Bearer ${token}`)).toBe(true);
  expect(proxy.connections).toBe(1);
});
