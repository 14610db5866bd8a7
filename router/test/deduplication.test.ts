import { GraphQLError } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '@supergraph/demo';
import { loadRouterConfig, startRouter, type Router } from '@supergraph/router';
import { graphql } from '../../test/kit/graphql.ts';
import { tokenExpiringIn, tokenFor } from '../../test/kit/tokens.ts';
import { waitFor } from '../../test/kit/waitFor.ts';
import { startRouterOverSubgraph, type RouterOverSubgraph, type SubgraphContext } from './fixtures/routerOverSubgraph.ts';

// A subgraph whose resolvers wait at a gate the test opens: requests pile up
// in flight, so what the router merges and what it sends on is certain, not
// a matter of timing.
const sdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
  type Query { item(id: ID!): Item  broken: Item }
  type Mutation { touch(id: ID!): Item }
  type Item @key(fields: "id") { id: ID! name: String }
`;

interface Call {
  field: string;
  authorization: string | undefined;
}
let calls: Call[] = [];
let gate!: { open: () => void; opened: Promise<void> };
const closeGate = () => {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  gate = { open, opened };
};
const pass = async (field: string, authorization: string | undefined) => {
  calls.push({ field, authorization });
  await gate.opened;
};

const [alice, bob] = demoUsers;
let running: RouterOverSubgraph;
let router: Router;
let supergraphConfig: string;

beforeAll(async () => {
  running = await startRouterOverSubgraph(sdl, {
    Query: {
      item: async (_: unknown, { id }: { id: string }, { authorization }: SubgraphContext) => (await pass('item', authorization), { id, name: `item ${id}` }),
      broken: async (_: unknown, __: unknown, { authorization }: SubgraphContext) => {
        await pass('broken', authorization);
        throw new GraphQLError('the item store is down', { extensions: { code: 'SERVICE_UNAVAILABLE' } });
      },
    },
    Mutation: { touch: async (_: unknown, { id }: { id: string }, { authorization }: SubgraphContext) => (await pass('touch', authorization), { id, name: 'touched' }) },
  });
  ({ router, supergraphConfig } = running);
});
afterAll(async () => {
  gate?.open();
  await running?.stop();
});
afterEach(() => {
  gate.open();
  calls = [];
});

/** Starts `count` requests at once; they wait at the subgraph's gate. */
const concurrently = (count: number, send: (index: number) => ReturnType<typeof graphql>) => Array.from({ length: count }, (_, index) => send(index));

describe('in-flight deduplication at the router', () => {
  it('runs identical concurrent queries from the same token once and answers every caller', async () => {
    closeGate();
    const token = await tokenFor(alice.id);
    const joined = router.deduplicated.operations;
    const answers = concurrently(5, () => graphql(router.url, 'query Item($id: ID!) { item(id: $id) { id name } }', { id: '1' }, { token }));
    await waitFor('four callers to join the first', () => router.deduplicated.operations === joined + 4);
    gate.open();

    for (const answer of await Promise.all(answers)) expect(answer).toMatchObject({ status: 200, data: { item: { id: '1', name: 'item 1' } } });
    expect(calls).toEqual([{ field: 'item', authorization: `Bearer ${token}` }]);
  });

  it('never merges the same query sent with different tokens, even two of one user', async () => {
    closeGate();
    const tokens = [await tokenFor(alice.id), await tokenFor(bob.id), await tokenFor(alice.id, 'ADMIN')];
    expect(new Set(tokens).size).toBe(3);
    const answers = concurrently(3, (index) => graphql(router.url, '{ item(id: "2") { name } }', {}, { token: tokens[index] }));
    await waitFor('each token to reach the subgraph', () => calls.length === 3);
    gate.open();

    for (const answer of await Promise.all(answers)) expect(answer.data).toEqual({ item: { name: 'item 2' } });
    expect(calls.map((call) => call.authorization).sort()).toEqual(tokens.map((token) => `Bearer ${token}`).sort());
  });

  it('never merges mutations, identical or not', async () => {
    closeGate();
    const token = await tokenFor(alice.id);
    const answers = concurrently(3, () => graphql(router.url, 'mutation { touch(id: "3") { name } }', {}, { token }));
    await waitFor('every mutation to reach the subgraph', () => calls.length === 3);
    gate.open();

    for (const answer of await Promise.all(answers)) expect(answer.data).toEqual({ touch: { name: 'touched' } });
    expect(calls.map((call) => call.field)).toEqual(['touch', 'touch', 'touch']);
  });

  it('gives every waiter the error of the shared execution, with its code and path', async () => {
    closeGate();
    const token = await tokenFor(bob.id);
    const joined = router.deduplicated.operations;
    const answers = concurrently(3, () => graphql(router.url, '{ broken { name } }', {}, { token }));
    await waitFor('two callers to join the first', () => router.deduplicated.operations === joined + 2);
    gate.open();

    for (const answer of await Promise.all(answers)) {
      expect(answer.data).toEqual({ broken: null });
      expect(answer.errors).toEqual([expect.objectContaining({ message: 'the item store is down', path: ['broken'], extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE' }) })]);
    }
    expect(calls).toHaveLength(1);
  });

  it('sends a subgraph one fetch for operations that differ at the front door but ask it the same', async () => {
    closeGate();
    const token = await tokenFor(alice.id);
    const fetches = router.deduplicated.fetches;
    // Two clients format the same operation differently: two documents at the front door, one fetch after planning.
    const documents = ['query Item($id: ID!) { item(id: $id) { name } }', 'query Item($id: ID!) {\n  item(id: $id) {\n    name\n  }\n}'];
    const answers = concurrently(2, (index) => graphql(router.url, documents[index]!, { id: '4' }, { token }));
    await waitFor('the second fetch to join the first', () => router.deduplicated.fetches === fetches + 1);
    gate.open();

    for (const answer of await Promise.all(answers)) expect(answer.data).toEqual({ item: { name: 'item 4' } });
    expect(calls).toHaveLength(1);
  });

  it('keeps nothing once a query has answered: the same query again runs again', async () => {
    closeGate();
    gate.open();
    const token = await tokenFor(alice.id);
    await graphql(router.url, '{ item(id: "5") { name } }', {}, { token });
    await graphql(router.url, '{ item(id: "5") { name } }', {}, { token });
    expect(calls).toHaveLength(2);
  });

  it('gives each caller that takes a shared answer its own request id', async () => {
    closeGate();
    const token = await tokenFor(alice.id);
    const joined = router.deduplicated.operations;
    const answers = concurrently(3, (index) => graphql(router.url, '{ item(id: "6") { name } }', {}, { token, headers: { 'x-request-id': `caller-${index}` } }));
    await waitFor('two callers to join the first', () => router.deduplicated.operations === joined + 2);
    gate.open();

    const settled = await Promise.all(answers);
    expect(settled.map((answer) => answer.headers.get('x-request-id'))).toEqual(['caller-0', 'caller-1', 'caller-2']);
    for (const answer of settled) expect(answer.data).toEqual({ item: { name: 'item 6' } });
    expect(calls).toHaveLength(1);
  });

  it('answers identical requests asking for different media types each in its own', async () => {
    closeGate();
    const token = await tokenFor(alice.id);
    const send = (accept: string) =>
      fetch(router.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept, authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ item(id: "7") { name } }' }),
      });
    const answers = [send('application/graphql-response+json'), send('application/json')];
    await waitFor('the query to reach the subgraph', () => calls.length === 1);
    gate.open();

    const [modern, legacy] = await Promise.all(answers);
    expect(modern!.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    expect(legacy!.headers.get('content-type')).toMatch(/^application\/json/);
    for (const answer of [modern!, legacy!]) expect(await answer.json()).toMatchObject({ data: { item: { name: 'item 7' } } });
  });

  it('checks the token of each caller that joins: one that expired while waiting gets UNAUTHENTICATED, not the shared answer', async () => {
    closeGate();
    const { token, expiresAt } = await tokenExpiringIn(alice.id, 2);
    const document = '{ item(id: "9") { name } }';
    const first = graphql(router.url, document, {}, { token });
    await waitFor('the first to reach the subgraph', () => calls.length === 1);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 50));
    const joined = router.deduplicated.operations;
    const late = graphql(router.url, document, {}, { token });
    await waitFor('the late caller to join the first', () => router.deduplicated.operations === joined + 1);
    gate.open();

    expect((await first).data).toEqual({ item: { name: 'item 9' } });
    const refused = await late;
    expect(refused.status).toBe(401);
    expect(refused.data).toBeUndefined();
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(calls).toHaveLength(1);
  });
});

describe('in-flight deduplication and rate limits', () => {
  it('counts every caller that takes a shared answer against its own limit', async () => {
    const limited = await startRouter(loadRouterConfig({ ...process.env, ROUTER_PORT: '0', SUPERGRAPH_CONFIG: supergraphConfig, RATE_LIMIT_USER_OPERATIONS: '2', RATE_LIMIT_WINDOW_SECONDS: '3600' }));
    try {
      closeGate();
      const token = await tokenFor(bob.id);
      const answers = concurrently(4, () => graphql(limited.url, '{ item(id: "8") { name } }', {}, { token }));
      await waitFor('three callers to join the first', () => limited.deduplicated.operations === 3);
      gate.open();

      const settled = await Promise.all(answers);
      const served = settled.filter((answer) => answer.status === 200);
      expect(served.map((answer) => answer.data)).toEqual([{ item: { name: 'item 8' } }, { item: { name: 'item 8' } }]);
      const refused = settled.filter((answer) => answer.status === 429);
      expect(refused).toHaveLength(2);
      for (const answer of refused) expect(answer.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      expect(calls).toHaveLength(1);
    } finally {
      gate.open();
      await limited.stop();
    }
  });
});
