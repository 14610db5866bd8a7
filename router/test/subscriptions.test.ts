import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type EventContent } from '@supergraph/common';
import { demoUsers } from '@supergraph/demo';
import { graphql } from '../../test/kit/graphql.ts';
import { startBusStack, type BusStack } from '../../test/kit/busStack.ts';
import { tokenExpiringIn, tokenFor } from '../../test/kit/tokens.ts';
import { createNote as createNoteAt } from '../../test/kit/notes.ts';
import { waitFor } from '../../test/kit/waitFor.ts';
import { protocolSocket, subscribe, wsClient } from '../../test/kit/wsClient.ts';

// The router's side of subscriptions, fed by the in-process bus that npm
// start uses; the full outbox -> RabbitMQ -> bridge -> Redis path is in e2e/.
let stack: BusStack;
const [alice, bob] = demoUsers;
let aliceToken: string;
let bobToken: string;

const createNote = (token: string, title: string) => createNoteAt(stack.router.url, token, title);
const publish = (event: EventContent, actorId: string) => stack.publish(event, actorId);

beforeAll(async () => {
  // The fan-out test holds 500 subscriptions for one user (100 on each of 5 sockets), more than a user may by default.
  stack = await startBusStack({ env: { WS_MAX_SUBSCRIPTIONS_PER_USER: '500' } });
  [aliceToken, bobToken] = await Promise.all([tokenFor(alice.id), tokenFor(bob.id)]);
});
afterAll(() => stack?.stop());
// Each test counts its own subscribers on the shared router: a test's leftovers, still
// being released, would satisfy the next one's wait for its own and let it publish too soon.
afterEach(() => waitFor('the subscriptions to end', () => stack.router.subscriptions!.subscriberCount === 0, { timeoutMs: 10_000 }));

describe('subscriptions over graphql-ws', () => {
  it('delivers noteCreated with fields resolved from notes and users', async () => {
    const client = wsClient(stack.router.url, aliceToken);
    const sub = subscribe(client, 'subscription { noteCreated { title author { id name } } }');
    await waitFor('the subscription', () => stack.router.subscriptions!.subscriberCount === 1, { timeoutMs: 5_000 });
    await stack.router.subscriptions!.ready();

    const noteId = await createNote(bobToken, 'Hello subscribers');
    publish({ type: 'note.created', aggregateType: 'Note', aggregateId: noteId, aggregateVersion: 1, data: { noteId, authorId: bob.id } }, bob.id);

    expect(await sub.nth(1)).toMatchObject({
      data: { noteCreated: { title: 'Hello subscribers', author: { id: bob.id, name: bob.name } } },
      extensions: { event: { type: 'note.created', aggregateVersion: 1 } },
    });
    sub.dispose();
    await client.dispose();
  });

  it("filters noteCreated by authorId and resolves orders owned by another subgraph", async () => {
    const client = wsClient(stack.router.url, aliceToken);
    const query = 'subscription($a: ID) { noteCreated(authorId: $a) { title author { email orders(first: 1) { totalCount } } } }';
    const onlyAlice = subscribe(client, query, { a: alice.id });
    await waitFor('the subscription', () => stack.router.subscriptions!.subscriberCount === 1, { timeoutMs: 5_000 });
    await stack.router.subscriptions!.ready();

    const bobsNote = await createNote(bobToken, "Bob's note");
    publish({ type: 'note.created', aggregateType: 'Note', aggregateId: bobsNote, aggregateVersion: 1, data: { noteId: bobsNote, authorId: bob.id } }, bob.id);
    const alicesNote = await createNote(aliceToken, "Alice's note");
    publish({ type: 'note.created', aggregateType: 'Note', aggregateId: alicesNote, aggregateVersion: 1, data: { noteId: alicesNote, authorId: alice.id } }, alice.id);

    const first = await onlyAlice.nth(1);
    expect(first.data.noteCreated.title).toBe("Alice's note");
    expect(first.data.noteCreated.author.orders.totalCount).toBeGreaterThan(0);
    expect(onlyAlice.results).toHaveLength(1);
    onlyAlice.dispose();
    await client.dispose();
  });

  it('resolves an event once for 500 subscribers of the same document and variables', async () => {
    const clients = Array.from({ length: 5 }, () => wsClient(stack.router.url, aliceToken));
    const subs = Array.from({ length: 500 }, (_, i) => subscribe(clients[i % 5]!, 'subscription { noteCreated { id title } }'));
    await waitFor('500 subscriptions', () => stack.router.subscriptions!.subscriberCount === 500, { timeoutMs: 10_000 });
    await stack.router.subscriptions!.ready();
    const before = stack.router.subscriptions!.resolutions;

    const noteId = await createNote(aliceToken, 'Fan-out');
    publish({ type: 'note.created', aggregateType: 'Note', aggregateId: noteId, aggregateVersion: 1, data: { noteId, authorId: alice.id } }, alice.id);

    const received = await Promise.all(subs.map((sub) => sub.nth(1)));
    expect(new Set(received.map((result) => result.data.noteCreated.id))).toEqual(new Set([noteId]));
    expect(stack.router.subscriptions!.resolutions - before).toBe(1);
    subs.forEach((sub) => sub.dispose());
    await Promise.all(clients.map((client) => client.dispose()));
  });

  it('shares one resolution per event among 50 different users on a public selection, and resolves per user a selection that reads whose it is', async () => {
    const users = Array.from({ length: 50 }, () => randomUUID());
    const clients = await Promise.all(users.map(async (id) => wsClient(stack.router.url, await tokenFor(id))));
    const publicSubs = clients.map((client) => subscribe(client, 'subscription { noteCreated { id title author { name } } }'));
    // `email` is @authenticated (owner or admin): alice and bob each see their own view of it.
    const [alicesView, bobsView] = [aliceToken, bobToken].map((token) => subscribe(wsClient(stack.router.url, token), 'subscription { noteCreated { author { email } } }'));
    await waitFor('52 subscriptions', () => stack.router.subscriptions!.subscriberCount === 52, { timeoutMs: 10_000 });
    await stack.router.subscriptions!.ready();
    const before = stack.router.subscriptions!.resolutions;

    const noteId = await createNote(aliceToken, 'Seen by all');
    publish({ type: 'note.created', aggregateType: 'Note', aggregateId: noteId, aggregateVersion: 1, data: { noteId, authorId: alice.id } }, alice.id);

    for (const sub of publicSubs) expect(await sub.nth(1)).toMatchObject({ data: { noteCreated: { id: noteId, title: 'Seen by all', author: { name: alice.name } } } });
    expect(await alicesView!.nth(1)).toMatchObject({ data: { noteCreated: { author: { email: alice.email } } } });
    expect(await bobsView!.nth(1)).toMatchObject({ data: { noteCreated: { author: { email: null } } }, errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    // One for the 50 users, one each for alice and bob.
    expect(stack.router.subscriptions!.resolutions - before).toBe(3);
    await Promise.all(clients.map((client) => client.dispose()));
    alicesView!.dispose();
    bobsView!.dispose();
    await waitFor('the subscriptions to end', () => stack.router.subscriptions!.subscriberCount === 0, { timeoutMs: 10_000 });
  });

  it("writes each subscription its own id and its own viewer's result when one result text serves a whole group", async () => {
    // Alice holds two subscriptions of one selection (one group, one serialized result) and one of a public selection;
    // bob subscribes the same selection under one of alice's ids: his group is resolved, and serialized, apart.
    const query = 'subscription { noteCreated { title author { email } } }';
    const [alices, bobs] = await Promise.all([protocolSocket(stack.router.url, { token: aliceToken }), protocolSocket(stack.router.url, { token: bobToken })]);
    alices.subscribe('mine', query);
    alices.subscribe('mine too', query);
    alices.subscribe('public', 'subscription { noteCreated { title } }');
    bobs.subscribe('mine', query);
    await waitFor('four subscriptions', () => stack.router.subscriptions!.subscriberCount === 4, { timeoutMs: 5_000 });
    await stack.router.subscriptions!.ready();

    const noteId = await createNote(aliceToken, 'Whose email');
    publish({ type: 'note.created', aggregateType: 'Note', aggregateId: noteId, aggregateVersion: 1, data: { noteId, authorId: alice.id } }, alice.id);
    await waitFor('every result', () => alices.messages.filter((message) => message.type === 'next').length === 3 && bobs.results('mine').length === 1, { timeoutMs: 5_000 });

    for (const id of ['mine', 'mine too']) {
      expect(alices.results(id)).toEqual([expect.objectContaining({ data: { noteCreated: { title: 'Whose email', author: { email: alice.email } } } })]);
    }
    expect(alices.results('public')).toEqual([expect.objectContaining({ data: { noteCreated: { title: 'Whose email' } } })]);
    expect(bobs.results('mine')).toEqual([expect.objectContaining({ data: { noteCreated: { title: 'Whose email', author: { email: null } } }, errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })] })]);
    expect(JSON.stringify(bobs.messages)).not.toContain(alice.email);
    await Promise.all([alices.close(), bobs.close()]);
    await waitFor('the subscriptions to end', () => stack.router.subscriptions!.subscriberCount === 0, { timeoutMs: 5_000 });
  });

  it("keeps order events to their owner: alice, subscribed to every order and to bob's by id, gets only hers while bob gets his", async () => {
    const [bobsOrder] = await stack.orders.db.order.findMany({ where: { userId: bob.id }, take: 1 });
    const [alicesOrder] = await stack.orders.db.order.findMany({ where: { userId: alice.id }, take: 1 });
    const [aliceClient, bobClient] = [wsClient(stack.router.url, aliceToken), wsClient(stack.router.url, bobToken)];
    const alicesOrders = subscribe(aliceClient, 'subscription { orderUpdated { id } }');
    const bobsOrderWatchedByAlice = subscribe(aliceClient, 'subscription($id: ID) { orderUpdated(id: $id) { id } }', { id: bobsOrder!.id });
    const bobsOrders = subscribe(bobClient, 'subscription { orderUpdated { id } }');
    await waitFor('the subscriptions', () => stack.router.subscriptions!.subscriberCount === 3, { timeoutMs: 5_000 });
    await stack.router.subscriptions!.ready();

    publish({ type: 'order.placed', aggregateType: 'Order', aggregateId: bobsOrder!.id, aggregateVersion: 1, data: { orderId: bobsOrder!.id, userId: bob.id } }, bob.id);
    publish({ type: 'order.placed', aggregateType: 'Order', aggregateId: alicesOrder!.id, aggregateVersion: 1, data: { orderId: alicesOrder!.id, userId: alice.id } }, alice.id);
    expect(await bobsOrders.nth(1)).toMatchObject({ data: { orderUpdated: { id: bobsOrder!.id } } });
    expect(await alicesOrders.nth(1)).toMatchObject({ data: { orderUpdated: { id: alicesOrder!.id } } });
    expect(await stack.router.subscriptions!.settled()).toBe(true);
    // Skipped, not refused: no result, no error, and the streams stay open.
    expect(bobsOrderWatchedByAlice.results).toHaveLength(0);
    expect([alicesOrders.results.length, bobsOrders.results.length]).toEqual([1, 1]);
    expect([alicesOrders.error(), bobsOrderWatchedByAlice.error(), bobsOrders.error()]).toEqual([undefined, undefined, undefined]);

    const anonymous = wsClient(stack.router.url);
    const refused = subscribe(anonymous, 'subscription { orderUpdated { id } }');
    await waitFor('the refusal', () => refused.error() !== undefined, { timeoutMs: 5_000 });
    expect(JSON.stringify(refused.error())).toContain('UNAUTHENTICATED');
    await Promise.all([aliceClient.dispose(), bobClient.dispose(), anonymous.dispose()]);
  });

  // Found by hostile testing: the variable the router looks events up with collided with a client's of the same name.
  it('refuses a subscription declaring the variable reserved for event lookups', async () => {
    const client = wsClient(stack.router.url, aliceToken);
    const refused = subscribe(client, 'subscription($__entityId: ID) { noteCreated(authorId: $__entityId) { id } }', { __entityId: alice.id });
    await waitFor('the refusal', () => refused.error() !== undefined, { timeoutMs: 5_000 });
    expect(JSON.stringify(refused.error())).toContain('BAD_USER_INPUT');
    await client.dispose();
  });

  it('answers a subscription sent over HTTP with 400 and where to send it', async () => {
    const response = await graphql(stack.router.url, 'subscription { noteCreated { id } }');
    expect(response.status).toBe(400);
    expect(response.errors![0]).toMatchObject({ extensions: { code: 'BAD_REQUEST' }, message: expect.stringMatching(/WebSocket/) });
  });

  it('serves queries over the same WebSocket', async () => {
    const client = wsClient(stack.router.url, aliceToken);
    const query = subscribe(client, '{ me { email } }');
    expect(await query.nth(1)).toEqual({ data: { me: { email: alice.email } }, extensions: { cost: { estimated: 1, actual: 1, limit: 10_000 } } });
    await client.dispose();
  });

  it('applies the armor depth limit to subscription documents', async () => {
    const client = wsClient(stack.router.url);
    let selection = 'id';
    for (let i = 0; i < 5; i++) selection = `author { notes(first: 1) { edges { node { ${selection} } } } }`;
    const deep = subscribe(client, `subscription { noteCreated { ${selection} } }`);
    await waitFor('the rejection', () => deep.error() !== undefined, { timeoutMs: 5_000 });
    expect(JSON.stringify(deep.error())).toMatch(/depth limit/i);
    await client.dispose();
  });
});

/** A raw graphql-transport-ws socket, for messages a well-behaved client never sends. */
function rawSocket(url: string) {
  const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const messages: any[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const opened = new Promise((resolve) => socket.once('open', resolve));
  return { socket, messages, closed, opened, send: (message: unknown) => socket.send(JSON.stringify(message)) };
}

/** The subscription the README shows, so the README and this test cannot drift apart. */
const readmeSubscription = /```graphql\n(subscription NewNotes[\s\S]*?)```/.exec(readFileSync(new URL('../../README.md', import.meta.url), 'utf8'))![1]!;

describe('results with errors over graphql-ws', () => {
  it("keeps the README's NewNotes subscription open: bob's private orders come as errors in the payload, alice's next note arrives", async () => {
    const client = wsClient(stack.router.url, aliceToken);
    const newNotes = subscribe(client, readmeSubscription);
    await waitFor('the subscription', () => stack.router.subscriptions!.subscriberCount === 1, { timeoutMs: 5_000 });
    await stack.router.subscriptions!.ready();

    const bobsNote = await createNote(bobToken, "Bob's public note");
    publish({ type: 'note.created', aggregateType: 'Note', aggregateId: bobsNote, aggregateVersion: 1, data: { noteId: bobsNote, authorId: bob.id } }, bob.id);
    const fromBob = await newNotes.nth(1);
    expect(fromBob.data.noteCreated).toMatchObject({ title: "Bob's public note", author: { name: bob.name, orders: null } });
    expect(fromBob.errors).toEqual([expect.objectContaining({ path: ['noteCreated', 'author', 'orders'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);

    const alicesNote = await createNote(aliceToken, "Alice's own note");
    publish({ type: 'note.created', aggregateType: 'Note', aggregateId: alicesNote, aggregateVersion: 1, data: { noteId: alicesNote, authorId: alice.id } }, alice.id);
    const fromAlice = await newNotes.nth(2);
    expect(fromAlice.errors).toBeUndefined();
    expect(fromAlice.data.noteCreated.author.orders.totalCount).toBeGreaterThan(0);
    expect(newNotes.error()).toBeUndefined();
    await client.dispose();
  });

  it('answers a query and a failing mutation with their errors and keeps the socket and its subscriptions open', async () => {
    const client = wsClient(stack.router.url, aliceToken);
    let closed: unknown;
    client.on('closed', (event) => (closed = event));
    const live = subscribe(client, 'subscription { noteCreated { title } }');
    await waitFor('the subscription', () => stack.router.subscriptions!.subscriberCount === 1, { timeoutMs: 5_000 });
    await stack.router.subscriptions!.ready();

    const [bobsOrder] = await stack.orders.db.order.findMany({ where: { userId: bob.id }, take: 1 });
    const query = subscribe(client, 'query($id: ID!) { me { email } order(id: $id) { id } }', { id: bobsOrder!.id });
    const answer = await query.nth(1);
    expect(answer.data.me.email).toBe(alice.email);
    expect(answer.errors).toEqual([expect.objectContaining({ path: ['order'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);

    const logIn = subscribe(client, 'mutation { logIn(input: { email: "alice@example.com", password: "not the password" }) { token } }');
    const refused = await logIn.nth(1);
    expect(refused.data).toBeNull();
    expect(refused.errors[0].extensions.code).toBe('UNAUTHENTICATED');

    const noteId = await createNote(aliceToken, 'Still listening');
    publish({ type: 'note.created', aggregateType: 'Note', aggregateId: noteId, aggregateVersion: 1, data: { noteId, authorId: alice.id } }, alice.id);
    expect((await live.nth(1)).data.noteCreated.title).toBe('Still listening');
    expect(closed).toBeUndefined();
    await client.dispose();
  });

  it('gives socket validation errors a code and no field suggestions outside development', async () => {
    const client = wsClient(stack.router.url);
    const typo = subscribe(client, 'subscription { noteCreatd { id } }');
    await waitFor('the rejection', () => typo.error() !== undefined, { timeoutMs: 5_000 });
    const [error] = typo.error() as { message: string; extensions: { code: string } }[];
    expect(error!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(error!.message).toMatch(/noteCreatd/);
    expect(error!.message).not.toMatch(/did you mean/i);
    await client.dispose();
  });

  it('refuses bad input over the socket as over HTTP and keeps the socket open', async () => {
    const client = wsClient(stack.router.url, aliceToken);
    let closed: unknown;
    client.on('closed', (event) => (closed = event));
    // Keeps the (lazy) client's socket open between the refusals.
    const keeper = subscribe(client, 'subscription { noteCreated { id } }');
    const errorsOf = async (query: string, variables: Record<string, unknown> = {}) => {
      const sub = subscribe(client, query, variables);
      await waitFor('the refusal', () => sub.error() !== undefined, { timeoutMs: 5_000 });
      return sub.error() as { message: string; extensions: Record<string, unknown> }[];
    };

    const deep = await errorsOf(`subscription { noteCreated(authorId: ${'['.repeat(5_000)}"x"${']'.repeat(5_000)}) { id } }`);
    expect(deep[0]!.extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    const nul = await errorsOf('subscription($a: ID) { noteCreated(authorId: $a) { id } }', { a: 'x\u0000y' });
    expect(nul[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'authorId' });
    expect((await errorsOf('{ me { id } } query Two { me { id } }'))[0]!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(keeper.error()).toBeUndefined();
    expect(closed).toBeUndefined();

    // Variables nested deeper than JSON.stringify can go (a client library cannot even send them).
    const raw = rawSocket(stack.router.url);
    await raw.opened;
    raw.send({ type: 'connection_init', payload: {} });
    await waitFor('the ack', () => raw.messages.some((message) => message.type === 'connection_ack'), { timeoutMs: 5_000 });
    const deepVariables = `${'['.repeat(5_000)}"x"${']'.repeat(5_000)}`;
    raw.socket.send(`{"id":"1","type":"subscribe","payload":{"query":"subscription { noteCreated { id } }","variables":{"unused":${deepVariables}}}}`);
    await waitFor('the second subscription', () => stack.router.subscriptions!.subscriberCount === 2, { timeoutMs: 5_000 });
    expect(raw.socket.readyState).toBe(WebSocket.OPEN);
    raw.socket.close();
    await client.dispose();
  });

  it('skips an event whose entity the subscriber may not see, and delivers the next one', async () => {
    const [bobsOrder] = await stack.orders.db.order.findMany({ where: { userId: bob.id }, take: 1 });
    const [alicesOrder] = await stack.orders.db.order.findMany({ where: { userId: alice.id }, take: 1 });
    const client = wsClient(stack.router.url, aliceToken);
    const updates = subscribe(client, 'subscription { orderUpdated { id } }');
    await waitFor('the subscription', () => stack.router.subscriptions!.subscriberCount === 1, { timeoutMs: 5_000 });
    await stack.router.subscriptions!.ready();

    // An event that claims to be alice's but names bob's order: the orders subgraph refuses the lookup.
    publish({ type: 'order.placed', aggregateType: 'Order', aggregateId: bobsOrder!.id, aggregateVersion: 1, data: { orderId: bobsOrder!.id, userId: alice.id } }, alice.id);
    publish({ type: 'order.placed', aggregateType: 'Order', aggregateId: alicesOrder!.id, aggregateVersion: 1, data: { orderId: alicesOrder!.id, userId: alice.id } }, alice.id);
    expect(await updates.nth(1)).toMatchObject({ data: { orderUpdated: { id: alicesOrder!.id } } });
    expect(updates.results).toHaveLength(1);
    expect(updates.error()).toBeUndefined();
    await client.dispose();
  });
});

describe('protocol violations close only the offending socket', () => {
  it('closes with 4408 when no connection_init arrives in time', async () => {
    const raw = rawSocket(stack.router.url);
    await raw.opened;
    expect((await raw.closed).code).toBe(4408);
  });

  it('closes with 4403 when the connection_init token is invalid', async () => {
    const raw = rawSocket(stack.router.url);
    await raw.opened;
    raw.send({ type: 'connection_init', payload: { authorization: 'Bearer forged.token.value' } });
    expect((await raw.closed).code).toBe(4403);
  });

  it('closes with 4401 on subscribe before the connection is acknowledged', async () => {
    const raw = rawSocket(stack.router.url);
    await raw.opened;
    raw.send({ id: '1', type: 'subscribe', payload: { query: 'subscription { noteCreated { id } }' } });
    expect((await raw.closed).code).toBe(4401);
  });

  it('closes with 4409 on a duplicate subscription id', async () => {
    const raw = rawSocket(stack.router.url);
    await raw.opened;
    raw.send({ type: 'connection_init', payload: {} });
    await waitFor('the ack', () => raw.messages.some((message) => message.type === 'connection_ack'), { timeoutMs: 5_000 });
    raw.send({ id: 'same', type: 'subscribe', payload: { query: 'subscription { noteCreated { id } }' } });
    raw.send({ id: 'same', type: 'subscribe', payload: { query: 'subscription { noteCreated { id } }' } });
    expect((await raw.closed).code).toBe(4409);
  });

  it('closes with 4403 within a second of the connection_init token expiring, ending its subscriptions', async () => {
    const { token, expiresAt } = await tokenExpiringIn(alice.id, 2);
    const raw = rawSocket(stack.router.url);
    await raw.opened;
    raw.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
    await waitFor('the ack', () => raw.messages.some((message) => message.type === 'connection_ack'), { timeoutMs: 5_000 });
    raw.send({ id: '1', type: 'subscribe', payload: { query: 'subscription { noteCreated { id } }' } });
    await waitFor('the subscription', () => stack.router.subscriptions!.subscriberCount === 1, { timeoutMs: 5_000 });
    expect((await raw.closed).code).toBe(4403);
    expect(Date.now() - expiresAt).toBeLessThan(1_000);
    await waitFor('the subscription to end', () => stack.router.subscriptions!.subscriberCount === 0, { timeoutMs: 5_000 });
  });

  it('closes with 4400 on a message that is not JSON, while other clients keep working', async () => {
    const client = wsClient(stack.router.url, aliceToken);
    const healthy = subscribe(client, 'subscription { noteCreated { title } }');
    await waitFor('the subscription', () => stack.router.subscriptions!.subscriberCount === 1, { timeoutMs: 5_000 });
    await stack.router.subscriptions!.ready();

    const raw = rawSocket(stack.router.url);
    await raw.opened;
    raw.socket.send('{not json');
    expect((await raw.closed).code).toBe(4400);

    const noteId = await createNote(aliceToken, 'Still flowing');
    publish({ type: 'note.created', aggregateType: 'Note', aggregateId: noteId, aggregateVersion: 1, data: { noteId, authorId: alice.id } }, alice.id);
    expect((await healthy.nth(1)).data.noteCreated.title).toBe('Still flowing');
    healthy.dispose();
    await client.dispose();
  });
});
