import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type EventContent } from '@supergraph/common';
import { demoUsers } from '@supergraph/demo';
import { graphql } from '../../test/kit/graphql.ts';
import { sseClient } from '../../test/kit/sseClient.ts';
import { startBusStack, type BusStack } from '../../test/kit/busStack.ts';
import { tokenExpiringIn, tokenFor } from '../../test/kit/tokens.ts';
import { createNote as createNoteAt } from '../../test/kit/notes.ts';
import { waitFor } from '../../test/kit/waitFor.ts';
import { subscribe } from '../../test/kit/wsClient.ts';

// GraphQL over SSE on the router's /graphql, fed by the same hub as graphql-ws.
let stack: BusStack;
const [alice, bob] = demoUsers;
let aliceToken: string;
let bobToken: string;

const createNote = (token: string, title: string) => createNoteAt(stack.router.url, token, title);
const publish = (event: EventContent, actorId: string) => stack.publish(event, actorId);

/** A raw event-stream request, to see statuses and bodies as any SSE client would. */
const streamRequest = (query: string, headers: Record<string, string> = {}) =>
  fetch(stack.router.url, { method: 'POST', headers: { accept: 'text/event-stream', 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });

beforeAll(async () => {
  stack = await startBusStack({ routerEnv: { WS_MAX_SOCKETS_PER_USER: '2' } });
  [aliceToken, bobToken] = await Promise.all([tokenFor(alice.id), tokenFor(bob.id)]);
});
afterAll(() => stack?.stop());
// Each test counts its own subscribers on the shared router: a test's leftovers, still
// being released, would satisfy the next one's wait for its own and let it publish too soon.
afterEach(() =>
  waitFor('the streams to end', () => stack.router.subscriptionLimits.usage().sockets === 0 && stack.router.subscriptions!.subscriberCount === 0, { timeoutMs: 10_000 }),
);

describe('subscriptions over SSE', () => {
  it('delivers noteCreated with fields from several subgraphs, filtered by its argument, with the token from the Authorization header', async () => {
    const client = sseClient(stack.router.url, aliceToken);
    const bobsNotes = subscribe(client, 'subscription($a: ID) { noteCreated(authorId: $a) { title author { name } } }', { a: bob.id });
    await waitFor('the subscription', () => stack.router.subscriptions!.subscriberCount === 1, { timeoutMs: 5_000 });
    await stack.router.subscriptions!.ready();

    const alicesNote = await createNote(aliceToken, "Alice's");
    publish({ type: 'note.created', aggregateType: 'Note', aggregateId: alicesNote, aggregateVersion: 1, data: { noteId: alicesNote, authorId: alice.id } }, alice.id);
    const bobsNote = await createNote(bobToken, "Bob's");
    publish({ type: 'note.created', aggregateType: 'Note', aggregateId: bobsNote, aggregateVersion: 1, data: { noteId: bobsNote, authorId: bob.id } }, bob.id);

    expect(await bobsNotes.nth(1)).toMatchObject({ data: { noteCreated: { title: "Bob's", author: { name: bob.name } } }, extensions: { event: { type: 'note.created' } } });
    expect(await stack.router.subscriptions!.settled()).toBe(true);
    expect(bobsNotes.results).toHaveLength(1);
    bobsNotes.dispose();
    await waitFor('the stream to end', () => stack.router.subscriptions!.subscriberCount === 0, { timeoutMs: 5_000 });
    expect(stack.router.subscriptionLimits.usage()).toEqual({ sockets: 0, subscriptions: 0 });
  });

  it('answers queries too', async () => {
    const me = subscribe(sseClient(stack.router.url, aliceToken), '{ me { email } }');
    expect(await me.nth(1)).toMatchObject({ data: { me: { email: alice.email } } });
  });

  it('refuses an invalid token with 401, and gives a field the caller may not read its code', async () => {
    const forged = await streamRequest('subscription { noteCreated { id } }', { authorization: 'Bearer forged.token.value' });
    expect(forged.status).toBe(401);
    expect((await forged.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');

    const forbidden = await streamRequest('subscription { userRegistered { id } }', { authorization: `Bearer ${aliceToken}` });
    expect(forbidden.status).toBe(200);
    expect(await forbidden.text()).toMatch(/event: next\ndata: .*"code":"FORBIDDEN"[\s\S]*event: complete/);
    expect(stack.router.subscriptionLimits.usage()).toEqual({ sockets: 0, subscriptions: 0 });
  });

  it("counts each stream as one of its user's connections, over the same caps as WebSockets", async () => {
    const streams = [subscribe(sseClient(stack.router.url, bobToken), 'subscription { noteCreated { id } }'), subscribe(sseClient(stack.router.url, bobToken), 'subscription { noteCreated { title } }')];
    await waitFor('two streams', () => stack.router.subscriptions!.subscriberCount === 2, { timeoutMs: 5_000 });
    const third = await streamRequest('subscription { noteCreated { id } }', { authorization: `Bearer ${bobToken}` });
    expect(third.status).toBe(429);
    expect((await third.json()).errors[0].extensions).toMatchObject({ code: 'SUBSCRIPTION_LIMIT_EXCEEDED', limit: 'socketsPerUser', max: 2 });
    for (const stream of streams) stream.dispose();
    await waitFor('the streams to end', () => stack.router.subscriptionLimits.usage().sockets === 0, { timeoutMs: 5_000 });
  });

  it('ends a subscription within a second of its token expiring, with UNAUTHENTICATED', async () => {
    const { token, expiresAt } = await tokenExpiringIn(alice.id, 2);
    const expiring = subscribe(sseClient(stack.router.url, token), 'subscription { noteCreated { id } }');
    await waitFor('the subscription', () => stack.router.subscriptions!.subscriberCount === 1, { timeoutMs: 5_000 });
    const last = await expiring.nth(1, 5_000);
    expect(Date.now() - expiresAt).toBeLessThan(1_000);
    expect(last.errors[0]).toMatchObject({ message: expect.stringMatching(/token expired/), extensions: { code: 'UNAUTHENTICATED' } });
    await waitFor('the subscription to end', () => stack.router.subscriptions!.subscriberCount === 0, { timeoutMs: 5_000 });
  });
  it('sends every stream of a group each result of a burst of events, in order, and its last result after them', async () => {
    // Time enough for the burst on a loaded machine; its last result (the expiry) comes after every live one.
    const { token } = await tokenExpiringIn(alice.id, 5);
    const query = 'subscription($id: ID!) { noteDeleted(id: $id) { id } }';
    const streams = [0, 1].map(() => subscribe(sseClient(stack.router.url, token), query, { id: 'burst' }));
    await waitFor('the subscriptions', () => stack.router.subscriptions!.subscriberCount === 2, { timeoutMs: 5_000 });
    await stack.router.subscriptions!.ready();
    const versions = Array.from({ length: 30 }, (_, i) => i + 1);
    await Promise.all(versions.map((version) => publish({ type: 'note.deleted', aggregateType: 'Note', aggregateId: 'burst', aggregateVersion: version, data: { noteId: 'burst', authorId: alice.id } }, alice.id)));
    for (const stream of streams) {
      const last = await stream.nth(versions.length + 1, 10_000);
      expect(last.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      const live = stream.results.slice(0, versions.length);
      expect(live.every((result) => result.data.noteDeleted.id === 'burst')).toBe(true);
      // Each event once, in the order the hub received them.
      expect(new Set(live.map((result) => result.extensions.event.id)).size).toBe(versions.length);
    }
    expect(streams[0]!.results.map((result) => result.extensions?.event?.id)).toEqual(streams[1]!.results.map((result) => result.extensions?.event?.id));
    await waitFor('the streams to end', () => stack.router.subscriptions!.subscriberCount === 0, { timeoutMs: 5_000 });
  });
  // Found by hostile testing: graphql-sse refuses a GET mutation (405) after onSubscribe has counted the stream, and onComplete never runs.
  it('holds no connection for a mutation sent over GET (405)', async () => {
    const url = `${stack.router.url}?${new URLSearchParams({ query: 'mutation { createTag(name: "get") { id } }' })}`;
    for (let i = 0; i < 2; i++) {
      const refused = await fetch(url, { headers: { accept: 'text/event-stream', authorization: `Bearer ${bobToken}` } });
      expect(refused.status).toBe(405);
      await refused.text();
    }
    expect(stack.router.subscriptionLimits.usage()).toEqual({ sockets: 0, subscriptions: 0 });
    // Bob may still open his two streams.
    const stream = await streamRequest('subscription { noteCreated { id } }', { authorization: `Bearer ${bobToken}` });
    expect(stream.status).toBe(200);
    await stream.body?.cancel();
  });

  // Found by hostile testing: express.json skips a body whose media type is not JSON, and graphql-sse then reads any
  // body whose content-type merely contains "application/json", whole and unbounded.
  it('bounds the body at 1 MB whatever its content type says', async () => {
    const body = JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(2 * 1024 * 1024) } });
    const response = await fetch(stack.router.url, { method: 'POST', headers: { accept: 'text/event-stream', 'content-type': 'text/plain; x=application/json' }, body });
    expect([413, 415]).toContain(response.status);
    await response.text();
  });
});

// Found by hostile testing: graphql-sse queues results for a client without waiting for it to read them.
describe('an SSE client that stops reading', () => {
  it('is ended rather than queued for without end', async () => {
    const { hostname, port } = new URL(stack.router.url);
    const body = JSON.stringify({ query: 'subscription($id: ID!) { noteDeleted(id: $id) { id } }', variables: { id: 'gone' } });
    const socket = connect(Number(port), hostname);
    socket.pause();
    socket.write(
      `POST /graphql HTTP/1.1\r\nHost: ${hostname}\r\nAccept: text/event-stream\r\nContent-Type: application/json\r\n` +
        `Authorization: Bearer ${aliceToken}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    await waitFor('the subscription', () => stack.router.subscriptions!.subscriberCount === 1, { timeoutMs: 5_000 });
    await stack.router.subscriptions!.ready();
    // Far more than the socket buffers hold: the client reads none of it.
    for (let i = 0; i < 5_000 && stack.router.subscriptions!.subscriberCount === 1; i++) {
      await publish({ type: 'note.deleted', aggregateType: 'Note', aggregateId: 'gone', aggregateVersion: i + 1, data: { noteId: 'gone', authorId: alice.id } }, alice.id);
      if (i % 100 === 99) await stack.router.subscriptions!.settled();
    }
    await waitFor('the stream to be ended', () => stack.router.subscriptions!.subscriberCount === 0, { timeoutMs: 20_000 });
    socket.destroy();
  }, 60_000);
});

// Found by hostile testing: on shutdown a stream only got `complete`, which graphql-sse clients take as the end, not as a cue to reconnect.
describe('a router stopping with SSE streams open', () => {
  it('ends each with SERVICE_UNAVAILABLE, so its client reconnects elsewhere and resumes', async () => {
    const stream = subscribe(sseClient(stack.router.url, aliceToken), 'subscription { noteCreated { id } }');
    await waitFor('the subscription', () => stack.router.subscriptions!.subscriberCount === 1, { timeoutMs: 5_000 });
    await stack.router.stop();
    expect((await stream.nth(1)).errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
  });
});
