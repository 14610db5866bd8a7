import { randomUUID } from 'node:crypto';
import { PubSub } from 'graphql-subscriptions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, createLogger } from '@supergraph/common';
import { demoUsers } from '@supergraph/demo';
import { seedNotes } from '@supergraph/notes';
import { seedOrders } from '@supergraph/orders';
import { loadRouterConfig, pubSubEventSource, startRouter, type Router } from '@supergraph/router';
import { seedUsers } from '@supergraph/users';
import { DASHBOARD, OVER_THE_LIMIT } from '../test/kit/costQueries.ts';
import { graphql } from '../test/kit/graphql.ts';
import { startRecordingProxy } from '../test/kit/recordingProxy.ts';
import { startSubgraphForTest, type StartedSubgraph } from '../test/kit/subgraphs.ts';
import { tokenFor } from '../test/kit/tokens.ts';
import { waitFor } from '../test/kit/waitFor.ts';
import { subscribe, wsClient } from '../test/kit/wsClient.ts';

// The real router with its default cost settings, in front of the three
// subgraphs on PostgreSQL, each behind a proxy that counts what reaches it.
const bus = new PubSub();
let subgraphs: [StartedSubgraph<'users'>, StartedSubgraph<'notes'>, StartedSubgraph<'orders'>];
let proxies: Awaited<ReturnType<typeof startRecordingProxy>>[];
let router: Router;
let adminToken: string;

const subgraphRequests = () => proxies.reduce((sum, proxy) => sum + proxy.requests.length, 0);

beforeAll(async () => {
  subgraphs = await Promise.all([startSubgraphForTest('users'), startSubgraphForTest('notes'), startSubgraphForTest('orders')]);
  const [users, notes, orders] = subgraphs;
  await Promise.all([seedUsers(users.db), seedNotes(notes.db), seedOrders(orders.db)]);
  proxies = await Promise.all(subgraphs.map((subgraph) => startRecordingProxy(subgraph.url)));
  router = await startRouter(
    loadRouterConfig({ ...process.env, ROUTER_PORT: '0', USERS_ROUTING_URL: proxies[0]!.url, NOTES_ROUTING_URL: proxies[1]!.url, ORDERS_ROUTING_URL: proxies[2]!.url }),
    { eventSource: pubSubEventSource(bus, createLogger('test', 'silent')) },
  );
  // An admin may read every user's orders, so the dashboard comes back whole.
  adminToken = await tokenFor(randomUUID(), 'ADMIN');
});
afterAll(async () => {
  await router?.stop();
  await Promise.all((proxies ?? []).map((proxy) => proxy.stop()));
  await Promise.all((subgraphs ?? []).map((subgraph) => subgraph.stop()));
});

type Connection<T> = { edges: { node: T }[] };
type DashboardUser = {
  notes: Connection<{ tags: unknown[] }>;
  orders: Connection<{ items: unknown[] }>;
};

/** The dashboard's cost counted by hand from what came back: every object 1, lists as long as they are. */
function countedByHand(users: Connection<DashboardUser>): number {
  const notes = (user: DashboardUser) => 1 + user.notes.edges.reduce((sum, { node }) => sum + 2 + node.tags.length, 0);
  const orders = (user: DashboardUser) => 1 + user.orders.edges.reduce((sum, { node }) => sum + 2 + 2 * node.items.length, 0);
  return 1 + users.edges.reduce((sum, { node }) => sum + 2 + notes(node) + orders(node), 0);
}

describe('demand control through the router', () => {
  it('runs the dashboard query and reports its estimated and actual cost in extensions.cost', async () => {
    const response = await graphql(router.url, DASHBOARD, {}, { token: adminToken });
    expect(response.errors).toBeUndefined();
    const users = response.data!.users as Connection<DashboardUser>;
    expect(users.edges.length).toBeGreaterThan(0);
    const actual = countedByHand(users);
    expect(response.extensions?.cost).toEqual({ estimated: 6241, actual, limit: 10_000 });
    expect(actual).toBeLessThan(6241);
  });

  it('refuses the over-limit query with COST_ESTIMATED_TOO_EXPENSIVE and its estimate, and asks no subgraph', async () => {
    const before = subgraphRequests();
    const response = await graphql(router.url, OVER_THE_LIMIT, {}, { token: adminToken });
    expect(response.status).toBe(400);
    expect(response.data).toBeUndefined();
    expect(response.errors).toEqual([
      {
        message: "The operation's estimated cost is 40401, over the limit of 10000. Ask for fewer items (a smaller `first`) or fewer nested lists.",
        extensions: { code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: { estimated: 40401, limit: 10_000 } },
      },
    ]);
    // The same query a hundred times cheaper does reach the subgraphs: the count would show a request.
    expect(subgraphRequests()).toBe(before);
    await graphql(router.url, OVER_THE_LIMIT.replaceAll('100', '1'), {}, { token: adminToken });
    expect(subgraphRequests()).toBeGreaterThan(before);
  });

  it('estimates with the values of variables', async () => {
    const query = 'query($n: Int!) { users(first: $n) { edges { node { notes(first: $n) { edges { node { title } } } } } } }';
    const cheap = await graphql(router.url, query, { n: 5 });
    expect(cheap.extensions?.cost).toMatchObject({ estimated: 1 + 5 * (2 + 1 + 5 * 2) });
    const dear = await graphql(router.url, query, { n: 100 });
    expect(dear.errors![0]!.extensions).toEqual({ code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: { estimated: 1 + 100 * (2 + 1 + 100 * 2), limit: 10_000 } });
  });

  it('refuses a subscription whose every event would cost more than the limit, and subscribes nothing', async () => {
    const client = wsClient(router.url, adminToken);
    // Per event: the note (1), its author (1), 100 of the author's notes, each with 20 tags and its author's 100 notes.
    const sub = subscribe(
      client,
      'subscription { noteCreated { author { notes(first: 100) { edges { node { tags { name } author { notes(first: 100) { edges { node { id } } } } } } } } } }',
    );
    const errors = (await waitFor('the refusal', () => sub.error())) as { message: string; extensions: Record<string, unknown> }[];
    expect(errors).toEqual([expect.objectContaining({ extensions: { code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: { estimated: 22403, limit: 10_000 } } })]);
    expect(router.subscriptions!.subscriberCount).toBe(0);
    await client.dispose();
  });

  it("checks each event's resolution through the same guard, which reports its cost with the event", async () => {
    const [alice] = demoUsers;
    const client = wsClient(router.url, await tokenFor(alice!.id));
    const sub = subscribe(client, 'subscription { noteCreated { title author { name } } }');
    await waitFor('the subscription', () => router.subscriptions!.subscriberCount === 1);
    await router.subscriptions!.ready();

    const created = await graphql(router.url, 'mutation { createNote(input: { title: "Costed", content: "." }) { id } }', {}, { token: await tokenFor(alice!.id) });
    // A mutation (10), its input object (1) and the write (createNote's @cost 10).
    expect(created.extensions?.cost).toEqual({ estimated: 21, actual: 21, limit: 10_000 });
    const noteId = created.data!.createNote.id as string;
    await bus.publish('note.created', createEvent({ type: 'note.created', aggregateType: 'Note', aggregateId: noteId, aggregateVersion: 1, data: { noteId, authorId: alice!.id } }, { actorId: alice!.id, correlationId: null }));

    expect(await sub.nth(1)).toMatchObject({
      data: { noteCreated: { title: 'Costed', author: { name: alice!.name } } },
      // The event's lookup: the note (1) and its author (1).
      extensions: { event: { type: 'note.created' }, cost: { estimated: 2, actual: 2, limit: 10_000 } },
    });
    sub.dispose();
    await client.dispose();
  });
});
