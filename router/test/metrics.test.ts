import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '@supergraph/demo';
import { startBusStack, type BusStack } from '../../test/kit/busStack.ts';
import { graphql } from '../../test/kit/graphql.ts';
import { createNote } from '../../test/kit/notes.ts';
import { scrapeMetrics } from '../../test/kit/prometheus.ts';
import { sseClient } from '../../test/kit/sseClient.ts';
import { tokenFor } from '../../test/kit/tokens.ts';
import { waitFor } from '../../test/kit/waitFor.ts';
import { subscribe, wsClient } from '../../test/kit/wsClient.ts';

// The router's /metrics over the seeded stack, fed by the in-process bus.
let stack: BusStack;
const [alice] = demoUsers;
let token: string;

beforeAll(async () => {
  stack = await startBusStack();
  token = await tokenFor(alice.id);
});
afterAll(() => stack?.stop());

const scrape = () => scrapeMetrics(stack.router.url);

describe('router /metrics', () => {
  it('records each operation by name and outcome, and each subgraph fetch by subgraph', async () => {
    const response = await graphql(stack.router.url, 'query MyNotesAndName { me { name notes(first: 2) { totalCount } } }', {}, { token });
    expect(response.errors).toBeUndefined();
    await graphql(stack.router.url, 'query Nonsense { nothing }', {}, { token });

    const metrics = await scrape();
    expect(metrics.value('graphql_request_duration_seconds_count', { service: 'router', operation_name: 'MyNotesAndName', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(metrics.value('graphql_request_duration_seconds_count', { service: 'router', outcome: 'rejected' })).toBeGreaterThanOrEqual(1);
    expect(metrics.value('router_subgraph_fetch_duration_seconds_count', { subgraph: 'users', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(metrics.value('router_subgraph_fetch_duration_seconds_count', { subgraph: 'notes', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
  });

  it('counts deduplicated operations and fetches as the router does, and every request that took a shared answer', async () => {
    const document = 'query SameForEveryone { me { id name noteCount } }';
    let sent = 0;
    // Identical queries sent at once overlap; how many join is the machine's timing, so the test sends bursts until some did.
    await waitFor('identical queries to join one in flight', async () => {
      await Promise.all(Array.from({ length: 20 }, () => graphql(stack.router.url, document, {}, { token })));
      sent += 20;
      return stack.router.deduplicated.operations > 0;
    });
    const metrics = await scrape();
    expect(metrics.value('graphql_request_duration_seconds_count', { service: 'router', operation_name: 'SameForEveryone', outcome: 'ok' })).toBe(sent);
    expect(metrics.value('router_requests_deduplicated_total', { kind: 'operation' })).toBe(stack.router.deduplicated.operations);
    expect(metrics.value('router_requests_deduplicated_total', { kind: 'fetch' })).toBe(stack.router.deduplicated.fetches);
  });

  it('counts a document found by its hash as a cache hit', async () => {
    const query = 'query ByHash { me { id } }';
    const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') };
    const send = (body: Record<string, unknown>) =>
      fetch(stack.router.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ ...body, extensions: { persistedQuery } }) });
    const hits = async () => (await scrape()).value('router_cache_hits_total', { cache: 'apq' });
    const before = await hits();
    expect((await send({ query })).status).toBe(200);
    expect(await hits()).toBe(before);
    expect(await (await send({})).json()).toMatchObject({ data: { me: { id: alice.id } } });
    expect(await hits()).toBe(before + 1);
  });

  it('counts open subscriptions, sockets and streams, up while open and back down once closed, and the lag of delivered events', async () => {
    const gauges = async () => {
      const metrics = await scrape();
      return {
        subscriptions: metrics.value('router_subscriptions_active'),
        webSockets: metrics.value('router_websockets_open'),
        sseStreams: metrics.value('router_sse_streams_open'),
      };
    };
    expect(await gauges()).toEqual({ subscriptions: 0, webSockets: 0, sseStreams: 0 });
    const lagBefore = (await scrape()).value('router_event_delivery_lag_seconds_count');

    const socket = wsClient(stack.router.url, token);
    const overSocket = subscribe(socket, 'subscription { noteCreated { title } }');
    const stream = sseClient(stack.router.url, token);
    const overSse = subscribe(stream, 'subscription { noteCreated { id } }');
    await waitFor('both subscriptions', () => stack.router.subscriptions!.subscriberCount === 2);
    expect(await gauges()).toEqual({ subscriptions: 2, webSockets: 1, sseStreams: 1 });

    await createNote(stack.router.url, token, 'measured');
    const noteId = (await graphql(stack.router.url, '{ me { notes(first: 1) { edges { node { id } } } } }', {}, { token })).data!.me.notes.edges[0].node.id;
    await stack.publish({ type: 'note.created', aggregateType: 'Note', aggregateId: noteId, aggregateVersion: 1, data: { noteId, authorId: alice.id } }, alice.id);
    await Promise.all([overSocket.nth(1), overSse.nth(1)]);
    // One observation per group the event was resolved for: two different documents, two groups.
    expect((await scrape()).value('router_event_delivery_lag_seconds_count') - lagBefore).toBe(2);

    overSocket.dispose();
    overSse.dispose();
    await socket.dispose();
    stream.dispose();
    await waitFor('the gauges back at zero', async () => JSON.stringify(await gauges()) === JSON.stringify({ subscriptions: 0, webSockets: 0, sseStreams: 0 }));
  });
});
