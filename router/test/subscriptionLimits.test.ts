import { PubSub } from 'graphql-subscriptions';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, createLogger } from '@supergraph/common';
import { demoUsers } from '@supergraph/demo';
import { loadRouterConfig, pubSubEventSource, startRouter, type Router } from '@supergraph/router';
import { graphql } from '../../test/kit/graphql.ts';
import { startStack, type TestStack } from '../../test/kit/stack.ts';
import { tokenFor } from '../../test/kit/tokens.ts';
import { waitFor } from '../../test/kit/waitFor.ts';
import { protocolSocket, subscribe, wsClient, type ProtocolSocket } from '../../test/kit/wsClient.ts';

// The router's caps on what WebSockets hold open, on a real router and
// subgraphs fed by the in-process bus, with caps small enough to reach.
const CAPS = {
  WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '10',
  WS_MAX_SUBSCRIPTIONS_PER_USER: '15',
  WS_MAX_SOCKETS_PER_USER: '3',
  WS_MAX_SUBSCRIPTIONS_PER_IP: '12',
  WS_MAX_SOCKETS_PER_IP: '3',
};
const bus = new PubSub();
const eventSource = () => pubSubEventSource(bus, createLogger('test', 'silent'));
let stack: TestStack;
const [alice, bob, carol] = demoUsers;
const tokens: Record<string, string> = {};
const sockets: ProtocolSocket[] = [];

/** A socket this test closes after itself, whatever happens. */
async function open(router: Router, options: { token?: string; localAddress?: string } = {}): Promise<ProtocolSocket> {
  const socket = await protocolSocket(router.url, options);
  sockets.push(socket);
  return socket;
}

/** Subscription `i` of a socket: each a document of its own, as the measured attack sent them. */
const distinct = (i: number) => `subscription { n${i}: noteCreated { id } }`;

/** Sends subscribes `${prefix}${from}` .. `${prefix}${to}` at once, without waiting for answers. */
function subscribeRange(socket: ProtocolSocket, prefix: string, from: number, to: number): void {
  for (let i = from; i <= to; i++) socket.subscribe(`${prefix}${i}`, distinct(i));
}

const refusal = (limit: string, max: number) => [expect.objectContaining({ extensions: { code: 'SUBSCRIPTION_LIMIT_EXCEEDED', limit, max } })];

const subscribers = (router = stack.router) => router.subscriptions!.subscriberCount;

const refusedBy = (socket: ProtocolSocket, id: string) => waitFor(`the answer to ${id}`, () => socket.errors(id), { timeoutMs: 5_000 });

async function publishNote(title: string): Promise<string> {
  const response = await graphql(stack.router.url, 'mutation($t: String!) { createNote(input: { title: $t, content: "." }) { id } }', { t: title }, { token: tokens.alice });
  const noteId = response.data!.createNote.id as string;
  await bus.publish('note.created', createEvent({ type: 'note.created', aggregateType: 'Note', aggregateId: noteId, aggregateVersion: 1, data: { noteId, authorId: alice.id } }, { actorId: alice.id, correlationId: null }));
  return noteId;
}

beforeAll(async () => {
  stack = await startStack({ seed: true, runtime: { eventSource: eventSource() }, env: CAPS });
  for (const user of [alice, bob, carol]) tokens[user.email.split('@')[0]!] = await tokenFor(user.id);
});
afterAll(() => stack?.stop());

// Every test ends with its sockets closed; nothing may stay counted after them.
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.close()));
  await waitFor('every socket and subscription given back', () => {
    const { sockets: open, subscriptions } = stack.router.subscriptionLimits.usage();
    return open === 0 && subscriptions === 0 && subscribers() === 0;
  });
});

describe('subscriptions per socket', () => {
  it('refuses the 11th subscription on a socket with SUBSCRIPTION_LIMIT_EXCEEDED naming the cap, and the ten others keep delivering', async () => {
    const client = wsClient(stack.router.url, tokens.alice);
    let closed: unknown;
    client.on('closed', (event) => (closed = event));
    const admitted = Array.from({ length: 10 }, (_, i) => subscribe(client, distinct(i)));
    await waitFor('ten subscriptions', () => subscribers() === 10);

    const eleventh = subscribe(client, distinct(10));
    await waitFor('the refusal', () => eleventh.error());
    expect(eleventh.error()).toEqual(refusal('subscriptionsPerSocket', 10));
    expect(subscribers()).toBe(10);

    await stack.router.subscriptions!.ready();
    const noteId = await publishNote('Still ten');
    const received = await Promise.all(admitted.map((sub) => sub.nth(1)));
    expect(received.map((result) => Object.values(result.data)[0])).toEqual(Array(10).fill({ id: noteId }));
    expect(closed).toBeUndefined();
    await client.dispose();
  });

  it('admits exactly 10 of 50 subscribes sent at once on one socket', async () => {
    const socket = await open(stack.router, { token: tokens.alice });
    subscribeRange(socket, 's', 1, 50);
    await waitFor('an answer to each subscribe', () => socket.messages.filter((message) => message.type === 'error').length === 40);
    await waitFor('the admitted subscriptions', () => subscribers() === 10);

    const refused = socket.messages.filter((message) => message.type === 'error');
    expect(refused.every((message) => message.payload[0].extensions.limit === 'subscriptionsPerSocket')).toBe(true);
    await stack.router.subscriptions!.ready();
    const resolutions = stack.router.subscriptions!.resolutions;
    const noteId = await publishNote('Storm');
    await waitFor('ten results', () => socket.messages.filter((message) => message.type === 'next').length === 10);
    expect(stack.router.subscriptions!.resolutions - resolutions).toBe(10);
    expect(socket.messages.filter((message) => message.type === 'next').map((message) => Object.values(message.payload.data)[0])).toEqual(Array(10).fill({ id: noteId }));
    expect(stack.router.subscriptionLimits.usage().subscriptions).toBe(10);
  });

  it('gives a slot back when a subscription completes or its socket closes, so the next one is admitted', async () => {
    const first = await open(stack.router, { token: tokens.alice });
    subscribeRange(first, 'a', 1, 10);
    await waitFor('ten subscriptions', () => subscribers() === 10);

    first.complete('a1');
    await waitFor('the completed one to leave', () => subscribers() === 9);
    first.subscribe('a11', distinct(11));
    await waitFor('its successor', () => subscribers() === 10);
    first.subscribe('a12', distinct(12));
    expect(await refusedBy(first, 'a12')).toEqual(refusal('subscriptionsPerSocket', 10));
    expect(first.errors('a11')).toBeUndefined();

    // Alice may hold 15: a second socket gets 10 only if the first one's were given back when it closed.
    await first.close();
    await waitFor('the closed socket to give its slots back', () => stack.router.subscriptionLimits.usage().subscriptions === 0);
    const second = await open(stack.router, { token: tokens.alice });
    subscribeRange(second, 'b', 1, 10);
    await waitFor('ten subscriptions on the new socket', () => subscribers() === 10);
    expect(second.messages.filter((message) => message.type === 'error')).toEqual([]);
  });

  it('keeps no slot for a subscription refused for another reason (invalid, forbidden, bad input)', async () => {
    const socket = await open(stack.router, { token: tokens.alice });
    socket.subscribe('invalid', 'subscription { noteCreatd { id } }');
    socket.subscribe('forbidden', 'subscription { userRegistered { id } }');
    socket.subscribe('nul', 'subscription($a: ID) { noteCreated(authorId: $a) { id } }', { a: 'x\u0000y' });
    const codes = await Promise.all(['invalid', 'forbidden', 'nul'].map(async (id) => (await refusedBy(socket, id))[0].extensions.code));
    expect(codes).toEqual(['GRAPHQL_VALIDATION_FAILED', 'FORBIDDEN', 'BAD_USER_INPUT']);

    subscribeRange(socket, 's', 1, 11);
    expect(await refusedBy(socket, 's11')).toEqual(refusal('subscriptionsPerSocket', 10));
    await waitFor('ten admitted', () => subscribers() === 10);
    expect(socket.messages.filter((message) => message.type === 'error' && message.id.startsWith('s')).map((message) => message.id)).toEqual(['s11']);
  });

  it('answers queries and mutations over a socket at its cap, which stays at its cap', async () => {
    const socket = await open(stack.router, { token: tokens.alice });
    subscribeRange(socket, 's', 1, 10);
    await waitFor('ten subscriptions', () => subscribers() === 10);

    socket.subscribe('query', '{ me { email } }');
    socket.subscribe('mutation', 'mutation { createNote(input: { title: "Over the socket", content: "." }) { title } }');
    await waitFor('both answers', () => socket.results('query').length && socket.results('mutation').length);
    expect(socket.results('query').map(({ data, errors }) => ({ data, errors }))).toEqual([{ data: { me: { email: alice.email } }, errors: undefined }]);
    expect(socket.results('mutation').map(({ data, errors }) => ({ data, errors }))).toEqual([{ data: { createNote: { title: 'Over the socket' } }, errors: undefined }]);

    socket.subscribe('s11', distinct(11));
    expect(await refusedBy(socket, 's11')).toEqual(refusal('subscriptionsPerSocket', 10));
  });

  it('refuses a subscription over the cap before validating or authorizing it', async () => {
    const socket = await open(stack.router, { token: tokens.alice });
    subscribeRange(socket, 's', 1, 10);
    await waitFor('ten subscriptions', () => subscribers() === 10);

    // Under the cap these would be a validation error and a FORBIDDEN; over it, neither check runs.
    socket.subscribe('invalid', 'subscription { noteCreatd { id } }');
    socket.subscribe('forbidden', 'subscription { userRegistered { id } }');
    expect(await refusedBy(socket, 'invalid')).toEqual(refusal('subscriptionsPerSocket', 10));
    expect(await refusedBy(socket, 'forbidden')).toEqual(refusal('subscriptionsPerSocket', 10));
  });
});

describe('subscriptions per user', () => {
  it("counts a user's subscriptions over all their sockets, and another user's apart", async () => {
    const first = await open(stack.router, { token: tokens.alice });
    const second = await open(stack.router, { token: tokens.alice });
    subscribeRange(first, 'a', 1, 10);
    subscribeRange(second, 'b', 1, 5);
    await waitFor('fifteen subscriptions', () => subscribers() === 15);

    second.subscribe('b6', distinct(6));
    expect(await refusedBy(second, 'b6')).toEqual(refusal('subscriptionsPerUser', 15));
    first.subscribe('a11', distinct(11));
    expect(await refusedBy(first, 'a11')).toEqual(refusal('subscriptionsPerSocket', 10));

    const bobs = await open(stack.router, { token: tokens.bob });
    bobs.subscribe('b1', distinct(1));
    await waitFor("bob's subscription", () => subscribers() === 16);
    expect(bobs.errors('b1')).toBeUndefined();
  });

  it('admits exactly 15 of 40 subscribes sent at once over two sockets of one user', async () => {
    const [first, second] = await Promise.all([open(stack.router, { token: tokens.alice }), open(stack.router, { token: tokens.alice })]);
    for (let i = 1; i <= 20; i++) {
      first!.subscribe(`a${i}`, distinct(i));
      second!.subscribe(`b${i}`, distinct(i));
    }
    const refusals = () => [...first!.messages, ...second!.messages].filter((message) => message.type === 'error');
    await waitFor('an answer to each subscribe', () => refusals().length === 25);
    await waitFor('the admitted subscriptions', () => subscribers() === 15);
    expect(new Set(refusals().map((message) => message.payload[0].extensions.code))).toEqual(new Set(['SUBSCRIPTION_LIMIT_EXCEEDED']));
    expect(stack.router.subscriptionLimits.usage().subscriptions).toBe(15);
  });
});

describe('sockets per user', () => {
  it('closes a fourth socket of one user with 4429 at connection_init, keeps the three others, and admits one again after a close', async () => {
    const three = await Promise.all([1, 2, 3].map(() => open(stack.router, { token: tokens.alice })));
    expect(three.map((socket) => socket.acked)).toEqual([true, true, true]);

    const fourth = await open(stack.router, { token: tokens.alice });
    expect(fourth.acked).toBe(false);
    expect(await fourth.closed).toEqual({ code: 4429, reason: 'Too many connections' });
    three[0]!.subscribe('s1', distinct(1));
    await waitFor('a subscription on a socket that stayed', () => subscribers() === 1);
    expect(three.map((socket) => socket.socket.readyState)).toEqual([1, 1, 1]);

    await three[2]!.close();
    await waitFor('the closed socket to be given back', () => stack.router.subscriptionLimits.usage().sockets === 2);
    expect((await open(stack.router, { token: tokens.alice })).acked).toBe(true);
  });

  it('acknowledges exactly 3 of 6 sockets of one user opened at once', async () => {
    const six = await Promise.all(Array.from({ length: 6 }, () => open(stack.router, { token: tokens.bob })));
    expect(six.filter((socket) => socket.acked)).toHaveLength(3);
    const refused = await Promise.all(six.filter((socket) => !socket.acked).map((socket) => socket.closed));
    expect(refused.map(({ code }) => code)).toEqual([4429, 4429, 4429]);
  });
});

describe('anonymous sockets', () => {
  it('counts anonymous subscriptions per client address, apart from other addresses and signed-in users', async () => {
    const [first, second] = await Promise.all([open(stack.router), open(stack.router)]);
    subscribeRange(first!, 'a', 1, 10);
    subscribeRange(second!, 'b', 1, 2);
    await waitFor('twelve subscriptions', () => subscribers() === 12);
    second!.subscribe('b3', distinct(3));
    expect(await refusedBy(second!, 'b3')).toEqual(refusal('subscriptionsPerIp', 12));

    const elsewhere = await open(stack.router, { localAddress: '127.0.0.2' });
    elsewhere.subscribe('c1', distinct(1));
    const signedIn = await open(stack.router, { token: tokens.carol });
    signedIn.subscribe('d1', distinct(1));
    await waitFor('a subscription from another address and one signed in', () => subscribers() === 14);
    expect([elsewhere.errors('c1'), signedIn.errors('d1')]).toEqual([undefined, undefined]);
  });

  it('closes a fourth anonymous socket from one address with 4429, not one from another address', async () => {
    const three = await Promise.all([1, 2, 3].map(() => open(stack.router)));
    expect(three.map((socket) => socket.acked)).toEqual([true, true, true]);
    const fourth = await open(stack.router);
    expect(fourth.acked).toBe(false);
    expect(await fourth.closed).toEqual({ code: 4429, reason: 'Too many connections' });
    expect((await open(stack.router, { localAddress: '127.0.0.2' })).acked).toBe(true);
    expect((await open(stack.router, { token: tokens.carol })).acked).toBe(true);
  });
});

describe('subscriptions per router', () => {
  it("refuses subscriptions over the router's total whoever asks, admits one again when another ends, and gives all back when it stops", async () => {
    const router = await startRouter(
      loadRouterConfig({
        ...process.env,
        ROUTER_PORT: '0',
        USERS_ROUTING_URL: stack.users.url,
        NOTES_ROUTING_URL: stack.notes.url,
        ORDERS_ROUTING_URL: stack.orders.url,
        WS_MAX_SUBSCRIPTIONS_PER_ROUTER: '5',
      }),
      { eventSource: eventSource() },
    );
    let alices: ProtocolSocket | undefined;
    try {
      alices = await open(router, { token: tokens.alice });
      const [bobs, carols, anonymous] = await Promise.all([open(router, { token: tokens.bob }), open(router, { token: tokens.carol }), open(router)]);
      subscribeRange(alices, 'a', 1, 3);
      subscribeRange(bobs!, 'b', 1, 2);
      await waitFor('five subscriptions', () => subscribers(router) === 5);

      carols!.subscribe('c1', distinct(1));
      anonymous!.subscribe('d1', distinct(1));
      expect(await refusedBy(carols!, 'c1')).toEqual(refusal('subscriptionsPerRouter', 5));
      expect(await refusedBy(anonymous!, 'd1')).toEqual(refusal('subscriptionsPerRouter', 5));

      alices.complete('a1');
      await waitFor('the completed one to leave', () => subscribers(router) === 4);
      carols!.subscribe('c2', distinct(2));
      await waitFor("carol's subscription", () => subscribers(router) === 5);
      expect(carols!.errors('c2')).toBeUndefined();
    } finally {
      // The router closes the sockets itself (1001 Going Away), which ends their subscriptions.
      await router.stop();
    }
    expect(await alices.closed).toMatchObject({ code: 1001 });
    await waitFor('every slot given back at shutdown', () => {
      const { sockets: open, subscriptions } = router.subscriptionLimits.usage();
      return open === 0 && subscriptions === 0;
    });
  });
});
