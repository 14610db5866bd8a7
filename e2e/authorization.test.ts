import { PubSub } from 'graphql-subscriptions';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, createLogger, type EventContent } from '@supergraph/common';
import { demoUsers } from '@supergraph/demo';
import { pubSubEventSource } from '@supergraph/router';
import { graphql } from '../test/kit/graphql.ts';
import { startStack, type TestStack } from '../test/kit/stack.ts';
import { newSigningSecret, TEST_JWT, tokenFor } from '../test/kit/tokens.ts';
import { waitFor } from '../test/kit/waitFor.ts';
import { subscribe, wsClient } from '../test/kit/wsClient.ts';

// Rows 2 and 3 of issue #8: the schema's @authenticated and @requiresScopes,
// enforced by a production router before it plans, and the users subgraph's
// own owner-or-admin rule behind it.
const bus = new PubSub();
let stack: TestStack;
const [alice, bob] = demoUsers;
const admin = demoUsers.find((user) => user.role === 'ADMIN')!;
const tokens: Record<'alice' | 'bob' | 'admin', string> = { alice: '', bob: '', admin: '' };
const signingSecret = newSigningSecret();

const publish = (event: EventContent) => bus.publish(event.type, createEvent(event, { actorId: null, correlationId: null }));
const codes = (response: { errors?: { extensions?: Record<string, unknown> }[] }) => (response.errors ?? []).map((error) => error.extensions?.code);

beforeAll(async () => {
  stack = await startStack({
    seed: true,
    env: { NODE_ENV: 'production', JWT_SECRET: TEST_JWT.JWT_SECRET, SUBGRAPH_SIGNING_SECRETS: signingSecret },
    runtime: { eventSource: pubSubEventSource(bus, createLogger('test', 'silent')) },
  });
  [tokens.alice, tokens.bob, tokens.admin] = await Promise.all([tokenFor(alice.id), tokenFor(bob.id), tokenFor(admin.id, 'ADMIN')]);
});
afterAll(() => stack?.stop());

describe('e-mail addresses (row 2)', () => {
  it('an anonymous list of users returns every name and, per user, UNAUTHENTICATED at its email instead of the address', async () => {
    const response = await graphql(stack.router.url, '{ users(first: 100) { totalCount edges { node { name email } } } }');
    const nodes = response.data!.users.edges.map((edge: { node: Record<string, unknown> }) => edge.node);
    expect(nodes.length).toBeGreaterThan(2);
    for (const node of nodes) {
      expect(node.name).toEqual(expect.any(String));
      expect(node).not.toHaveProperty('email');
    }
    expect(response.errors).toEqual([
      expect.objectContaining({ path: ['users', 'edges', 'node', 'email'], extensions: { code: 'UNAUTHENTICATED' } }),
    ]);
    expect(JSON.stringify(response)).not.toContain('@example.com');
  });

  it('an anonymous user(id) lookup gets the user without the address', async () => {
    const response = await graphql(stack.router.url, 'query($id: ID!) { user(id: $id) { id name email } }', { id: bob.id });
    expect(response.data).toEqual({ user: { id: bob.id, name: bob.name } });
    expect(codes(response)).toEqual(['UNAUTHENTICATED']);
    expect(response.errors![0]!.path).toEqual(['user', 'email']);
  });

  it('a signed-in user reads their own address and gets FORBIDDEN, with null, for anyone else’s', async () => {
    const own = await graphql(stack.router.url, 'query($id: ID!) { user(id: $id) { email } }', { id: alice.id }, { token: tokens.alice });
    expect(own).toMatchObject({ status: 200, data: { user: { email: alice.email } } });
    expect(own.errors).toBeUndefined();

    const other = await graphql(stack.router.url, 'query($id: ID!) { user(id: $id) { name email } }', { id: bob.id }, { token: tokens.alice });
    expect(other.data).toEqual({ user: { name: bob.name, email: null } });
    expect(codes(other)).toEqual(['FORBIDDEN']);
    expect(other.errors![0]!.path).toEqual(['user', 'email']);
  });

  it('an admin reads every address', async () => {
    const response = await graphql(stack.router.url, '{ users(first: 100) { edges { node { email } } } }', {}, { token: tokens.admin });
    expect(response.errors).toBeUndefined();
    expect(response.data!.users.edges.map((edge: { node: { email: string } }) => edge.node.email)).toEqual(expect.arrayContaining([alice.email, bob.email, admin.email]));
  });

  it('the same query text gets each caller their own answer, however the router caches plans', async () => {
    const query = '{ users(first: 100) { edges { node { id email } } } }';
    const answers = [];
    for (const token of [undefined, tokens.admin, undefined, tokens.admin]) answers.push(await graphql(stack.router.url, query, {}, { token }));
    const addresses = answers.map((answer) => answer.data!.users.edges.filter((edge: { node: { email?: string } }) => edge.node.email).length);
    expect(addresses[0]).toBe(0);
    expect(addresses[1]).toBeGreaterThan(2);
    expect(addresses).toEqual([0, addresses[1], 0, addresses[1]]);
  });

  it('reaching the address through a fragment or another subgraph is refused the same way', async () => {
    const viaFragment = await graphql(
      stack.router.url,
      'query { notes(first: 3) { edges { node { title author { ...Contact } } } } } fragment Contact on User { name email }',
    );
    expect(viaFragment.data!.notes.edges.length).toBeGreaterThan(0);
    for (const edge of viaFragment.data!.notes.edges) expect(edge.node.author).toEqual({ name: expect.any(String) });
    expect(viaFragment.errors).toEqual([
      expect.objectContaining({ path: ['notes', 'edges', 'node', 'author', 'email'], extensions: { code: 'UNAUTHENTICATED' } }),
    ]);
  });

  it('a query made only of refused fields runs nothing and answers with the errors', async () => {
    const response = await graphql(stack.router.url, 'query($id: ID!) { user(id: $id) { email } }', { id: bob.id });
    expect(response.data ?? null).toBeNull();
    expect(codes(response)).toEqual(['UNAUTHENTICATED']);
  });

  it('a variable only a refused field used does not break the rest of the operation', async () => {
    const response = await graphql(stack.router.url, 'query($id: ID!) { users(first: 1) { totalCount } user(id: $id) { email } }', { id: bob.id });
    expect(response.data).toEqual({ users: { totalCount: expect.any(Number) } });
    expect(codes(response)).toEqual(['UNAUTHENTICATED']);
  });

  it('a mutation runs when only a field of its answer is refused, and that field is reported', async () => {
    const response = await graphql(stack.router.url, 'mutation($input: SignUpInput!) { signUp(input: $input) { user { name email } } }', {
      input: { email: 'answer-without-address@example.com', name: 'Partial', password: 'long enough' },
    });
    expect(response.data).toEqual({ signUp: { user: { name: 'Partial' } } });
    expect(response.errors).toEqual([expect.objectContaining({ path: ['signUp', 'user', 'email'], extensions: { code: 'UNAUTHENTICATED' } })]);
    expect(await stack.users.db.user.count({ where: { email: 'answer-without-address@example.com' } })).toBe(1);
  });

  it('the users subgraph keeps its own rule: called with a customer token it refuses another user’s address', async () => {
    const response = await graphql(stack.users.url, 'query($id: ID!) { user(id: $id) { email } }', { id: bob.id }, { token: tokens.alice, signWith: signingSecret });
    expect(response.data).toEqual({ user: { email: null } });
    expect(codes(response)).toEqual(['FORBIDDEN']);
  });
});

describe('a production router', () => {
  it('runs nothing of a document whose operation it cannot pick, over POST or GET', async () => {
    const document = 'mutation A { signUp(input: { email: "unpicked@example.com", name: "U", password: "long enough" }) { user { id email } } } query B { __typename }';
    for (const operationName of [undefined, '', 'Missing']) {
      const response = await graphql(stack.router.url, document, {}, { operationName });
      expect(response.status).toBe(400);
      expect(codes(response)).toEqual(['OPERATION_RESOLUTION_FAILURE']);
    }
    const url = `${stack.router.url}?query=${encodeURIComponent(document)}&operationName=`;
    const viaGet = await fetch(url, { headers: { 'apollo-require-preflight': '1' } });
    expect(viaGet.status).toBeGreaterThanOrEqual(400);
    expect(viaGet.status).toBeLessThan(500);
    expect(await stack.users.db.user.count({ where: { email: 'unpicked@example.com' } })).toBe(0);
  });

  it('answers no introspection and suggests no field names', async () => {
    const introspection = await graphql(stack.router.url, '{ __schema { types { name } } }');
    expect(codes(introspection)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const typo = await graphql(stack.router.url, '{ user(id: "x") { nam } }');
    expect(codes(typo)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(JSON.stringify(typo)).not.toMatch(/did you mean/i);
  });
});

describe('sign-ups as they happen (row 3)', () => {
  const signUp = async (email: string) =>
    graphql(stack.router.url, 'mutation($input: SignUpInput!) { signUp(input: $input) { user { id } } }', {
      input: { email, name: 'New', password: 'long enough' },
    });
  const userRegistered = (id: string, email: string) =>
    publish({ type: 'user.registered', aggregateType: 'User', aggregateId: id, aggregateVersion: 1, data: { userId: id, email, name: 'New' } });

  it('refuses userRegistered to anonymous sockets with UNAUTHENTICATED and to customers with FORBIDDEN', async () => {
    const anonymous = wsClient(stack.router.url);
    const customer = wsClient(stack.router.url, tokens.alice);
    const refusedAnonymous = subscribe(anonymous, 'subscription { userRegistered { email } }');
    const refusedCustomer = subscribe(customer, 'subscription { userRegistered { id } }');
    await waitFor('both refusals', () => refusedAnonymous.error() !== undefined && refusedCustomer.error() !== undefined, { timeoutMs: 5_000 });
    expect(JSON.stringify(refusedAnonymous.error())).toContain('UNAUTHENTICATED');
    expect(JSON.stringify(refusedCustomer.error())).toContain('FORBIDDEN');
    expect(stack.router.subscriptions!.subscriberCount).toBe(0);
    await Promise.all([anonymous.dispose(), customer.dispose()]);
  });

  it('streams each new user, address included, to an admin', async () => {
    const client = wsClient(stack.router.url, tokens.admin);
    const registrations = subscribe(client, 'subscription { userRegistered { id email } }');
    await waitFor('the subscription', () => stack.router.subscriptions!.subscriberCount === 1, { timeoutMs: 5_000 });
    await stack.router.subscriptions!.ready();
    const created = await signUp('registered-for-admins@example.com');
    userRegistered(created.data!.signUp.user.id, 'registered-for-admins@example.com');
    const result = await registrations.nth(1);
    expect(result.data).toEqual({ userRegistered: { id: created.data!.signUp.user.id, email: 'registered-for-admins@example.com' } });
    expect(result.errors).toBeUndefined();
    registrations.dispose();
    await client.dispose();
    await waitFor('the subscription to end', () => stack.router.subscriptions!.subscriberCount === 0, { timeoutMs: 5_000 });
  });

  it('a subscriber keeps receiving when another subscriber of the same document, with a token about to expire, goes', async () => {
    const shortLived = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(alice.id).setIssuer(TEST_JWT.JWT_ISSUER)
      .setAudience(TEST_JWT.JWT_AUDIENCE).setExpirationTime(Math.floor(Date.now() / 1000) + 2).sign(new TextEncoder().encode(TEST_JWT.JWT_SECRET));
    const query = 'subscription { noteCreated { id title author { name } } }';
    const brief = wsClient(stack.router.url, shortLived);
    const lasting = wsClient(stack.router.url, tokens.alice);
    const [first, second] = [subscribe(brief, query), subscribe(lasting, query)];
    await waitFor('both subscriptions', () => stack.router.subscriptions!.subscriberCount === 2, { timeoutMs: 5_000 });
    await waitFor('the short token to expire', () => stack.router.subscriptions!.subscriberCount === 1, { timeoutMs: 6_000 });
    await stack.router.subscriptions!.ready();
    const created = await graphql(stack.router.url, 'mutation { createNote(input: { title: "After expiry", content: "..." }) { id } }', {}, { token: tokens.bob });
    const noteId = created.data!.createNote.id;
    publish({ type: 'note.created', aggregateType: 'Note', aggregateId: noteId, aggregateVersion: 1, data: { noteId, authorId: bob.id } });
    const result = await second.nth(1);
    expect(result.errors).toBeUndefined();
    expect(result.data.noteCreated).toEqual({ id: noteId, title: 'After expiry', author: { name: bob.name } });
    expect(first.results).toHaveLength(0);
    second.dispose();
    await Promise.all([brief.dispose(), lasting.dispose()]);
    // Released before the next test counts its own subscriber: a leftover would pass its wait for one.
    await waitFor('the subscriptions to end', () => stack.router.subscriptions!.subscriberCount === 0, { timeoutMs: 5_000 });
  });

  it('a subscription to other notes delivers each note with an error per event in place of the author’s address', async () => {
    const client = wsClient(stack.router.url);
    const notes = subscribe(client, 'subscription { noteCreated { title author { name email } } }');
    await waitFor('the subscription', () => stack.router.subscriptions!.subscriberCount === 1, { timeoutMs: 5_000 });
    await stack.router.subscriptions!.ready();
    const created = await graphql(stack.router.url, 'mutation { createNote(input: { title: "Seen by all", content: "..." }) { id } }', {}, { token: tokens.bob });
    const noteId = created.data!.createNote.id;
    publish({ type: 'note.created', aggregateType: 'Note', aggregateId: noteId, aggregateVersion: 1, data: { noteId, authorId: bob.id } });
    const result = await notes.nth(1);
    expect(result.data).toEqual({ noteCreated: { title: 'Seen by all', author: { name: bob.name } } });
    expect(result.errors).toEqual([expect.objectContaining({ path: ['noteCreated', 'author', 'email'], extensions: { code: 'UNAUTHENTICATED' } })]);
    notes.dispose();
    await client.dispose();
    await waitFor('the subscription to end', () => stack.router.subscriptions!.subscriberCount === 0, { timeoutMs: 5_000 });
  });
});
