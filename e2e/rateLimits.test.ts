import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PubSub } from 'graphql-subscriptions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, createLogger } from '@supergraph/common';
import { DEMO_PASSWORD, demoUsers } from '@supergraph/demo';
import { seedNotes } from '@supergraph/notes';
import { seedOrders } from '@supergraph/orders';
import { composeSupergraph, loadRouterConfig, loadSupergraphConfig, pubSubEventSource, startRouter, type Router, type RouterRuntime } from '@supergraph/router';
import { seedUsers } from '@supergraph/users';
import { errorCode, graphql } from '../test/kit/graphql.ts';
import { startRecordingProxy } from '../test/kit/recordingProxy.ts';
import { connectRedis, REDIS_URL } from '../test/kit/redis.ts';
import { startSubgraphForTest, type StartedSubgraph } from '../test/kit/subgraphs.ts';
import { startTcpProxy, type TcpProxy } from '../test/kit/tcpProxy.ts';
import { tokenFor } from '../test/kit/tokens.ts';
import { waitFor } from '../test/kit/waitFor.ts';
import { subscribe, wsClient } from '../test/kit/wsClient.ts';

// Rate limits through real routers in front of the three subgraphs on
// PostgreSQL, counting in the real Redis (each test under a key prefix of
// its own, so it starts from zero) or in memory. The schema's limits are
// used as declared (users/schema.graphql): logIn 10 per e-mail and 50 per
// address in 15 minutes, signUp 5 per e-mail and 10 per address an hour.

const LOG_IN = 'mutation($input: LogInInput!) { logIn(input: $input) { token } }';
const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { token } }';
const LOG_IN_LIMIT_PER_EMAIL = 10;
const SIGN_UP_LIMIT_PER_EMAIL = 5;
const SIGN_UP_LIMIT_PER_ADDRESS = 10;

const [alice, bob] = demoUsers;
let users: StartedSubgraph<'users'>;
let notes: StartedSubgraph<'notes'>;
let orders: StartedSubgraph<'orders'>;
/** In front of the users subgraph: what reached it. */
let usersProxy: Awaited<ReturnType<typeof startRecordingProxy>>;
const started: { stop: () => Promise<void> }[] = [];
const prefixes: string[] = [];

interface RouterOptions {
  /** Settings over the tests' (generous operation limits; the schema's field limits as declared). */
  env?: NodeJS.ProcessEnv;
  /** Where the limits count: Redis under this prefix (routers given one prefix share counts), or memory. */
  counts?: { redisUrl?: string; prefix: string } | 'memory';
  runtime?: RouterRuntime;
}

const freshPrefix = () => {
  const prefix = `sg_test_rl_${randomBytes(4).toString('hex')}`;
  prefixes.push(prefix);
  return prefix;
};

async function routerWith({ env = {}, counts = { prefix: freshPrefix() }, runtime }: RouterOptions = {}): Promise<Router> {
  const router = await startRouter(
    loadRouterConfig({
      ...process.env,
      RATE_LIMIT_FIELD_MULTIPLIER: '1',
      ...(counts === 'memory' ? {} : { REDIS_URL: counts.redisUrl ?? REDIS_URL, RATE_LIMIT_KEY_PREFIX: counts.prefix }),
      ...env,
      ROUTER_PORT: '0',
      USERS_ROUTING_URL: usersProxy.url,
      NOTES_ROUTING_URL: notes.url,
      ORDERS_ROUTING_URL: orders.url,
    }),
    runtime,
  );
  started.push(router);
  return router;
}

const wrongPassword = (router: Router, email: string = alice!.email) => graphql(router.url, LOG_IN, { input: { email, password: 'not the password' } });
const logInRequestsSeen = () => usersProxy.requests.length;

/** RATE_LIMITED as a client sees it over HTTP: 429, Retry-After, `retryAfter`, nothing ran. */
function expectRateLimited(response: Awaited<ReturnType<typeof graphql>>, maxRetryAfter: number) {
  expect(response.status).toBe(429);
  expect(response.errors).toHaveLength(1);
  const [error] = response.errors!;
  expect(error!.extensions).toEqual({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
  expect(error!.extensions!.retryAfter).toBeGreaterThanOrEqual(1);
  expect(error!.extensions!.retryAfter).toBeLessThanOrEqual(maxRetryAfter);
  expect(response.headers.get('retry-after')).toBe(String(error!.extensions!.retryAfter));
  expect(response.data ?? null).toBeNull();
}

beforeAll(async () => {
  [users, notes, orders] = await Promise.all([startSubgraphForTest('users'), startSubgraphForTest('notes'), startSubgraphForTest('orders')]);
  await Promise.all([seedUsers(users.db), seedNotes(notes.db), seedOrders(orders.db)]);
  usersProxy = await startRecordingProxy(users.url);
});
afterAll(async () => {
  await Promise.all(started.map((server) => server.stop()));
  await usersProxy?.stop();
  await Promise.all([users?.stop(), notes?.stop(), orders?.stop()]);
  const redis = await connectRedis();
  for (const prefix of prefixes) {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
  }
  redis.disconnect();
});

describe('logIn, limited per e-mail address by the schema', () => {
  it(`refuses the attempt after ${LOG_IN_LIMIT_PER_EMAIL} wrong passwords for one address with RATE_LIMITED, retryAfter, 429 and Retry-After, and none reaches the users subgraph`, async () => {
    const router = await routerWith();
    const before = logInRequestsSeen();
    for (let attempt = 0; attempt < LOG_IN_LIMIT_PER_EMAIL; attempt++) {
      // One address however it is written: trimmed and lower-cased.
      const response = await wrongPassword(router, attempt % 2 ? ` ${alice!.email.toUpperCase()} ` : alice!.email);
      expect([response.status, errorCode(response)]).toEqual([200, 'UNAUTHENTICATED']);
    }
    expect(logInRequestsSeen() - before).toBe(LOG_IN_LIMIT_PER_EMAIL);

    expectRateLimited(await wrongPassword(router), 900);
    // The right password too: the limit is on attempts, not on failures.
    expectRateLimited(await graphql(router.url, LOG_IN, { input: { email: alice!.email, password: DEMO_PASSWORD } }), 900);
    expect(logInRequestsSeen() - before).toBe(LOG_IN_LIMIT_PER_EMAIL);

    const otherAddress = await graphql(router.url, LOG_IN, { input: { email: bob!.email, password: DEMO_PASSWORD } });
    expect(otherAddress.errors).toBeUndefined();
    expect(otherAddress.data!.logIn.token).toMatch(/^ey/);
  });

  it('counts each aliased logIn in one request: a request whose aliases pass the limit runs none of them', async () => {
    const router = await routerWith();
    // Half the aliases read the address from a variable, half from a literal.
    const aliased = (count: number, email: string) =>
      `mutation($input: LogInInput!) { ${Array.from({ length: count }, (_, i) =>
        i % 2 ? `a${i}: logIn(input: $input) { token }` : `a${i}: logIn(input: { email: "${email}", password: "${DEMO_PASSWORD}" }) { token }`,
      ).join(' ')} }`;
    const variables = { input: { email: alice!.email.toUpperCase(), password: DEMO_PASSWORD } };
    const before = logInRequestsSeen();

    const six = await graphql(router.url, aliased(6, alice!.email), variables);
    expect(six.errors).toBeUndefined();
    expect(Object.keys(six.data!)).toHaveLength(6);
    const seenAfterSix = logInRequestsSeen();
    expect(seenAfterSix - before).toBeGreaterThan(0);

    // 6 + 5 = 11 calls: over the 10 allowed, so none of the five runs.
    expectRateLimited(await graphql(router.url, aliased(5, alice!.email), variables), 900);
    expect(logInRequestsSeen()).toBe(seenAfterSix);

    // Fifteen at once, for a fresh address: refused as a whole.
    expectRateLimited(await graphql(router.url, aliased(15, bob!.email), { input: { email: bob!.email, password: DEMO_PASSWORD } }), 900);
    expect(logInRequestsSeen()).toBe(seenAfterSix);
  });

  it('limits one client whose 2 x 10 attempts alternate between two routers sharing Redis as one client', async () => {
    const counts = { prefix: freshPrefix() };
    const routers = [await routerWith({ counts }), await routerWith({ counts })];
    const codes: unknown[] = [];
    for (let attempt = 0; attempt < 2 * LOG_IN_LIMIT_PER_EMAIL; attempt++) codes.push(errorCode(await wrongPassword(routers[attempt % 2]!)));
    expect(codes).toEqual([...Array(LOG_IN_LIMIT_PER_EMAIL).fill('UNAUTHENTICATED'), ...Array(LOG_IN_LIMIT_PER_EMAIL).fill('RATE_LIMITED')]);
  });
});

describe('signUp, limited per e-mail address and per client address by the schema', () => {
  it(`refuses a sign-up after ${SIGN_UP_LIMIT_PER_EMAIL} for one e-mail address`, async () => {
    const router = await routerWith();
    const input = { email: 'probe@example.com', name: 'Probe', password: 'long enough' };
    const codes: unknown[] = [];
    for (let attempt = 0; attempt < SIGN_UP_LIMIT_PER_EMAIL; attempt++) codes.push(errorCode(await graphql(router.url, SIGN_UP, { input })));
    expect(codes).toEqual([undefined, ...Array(SIGN_UP_LIMIT_PER_EMAIL - 1).fill('CONFLICT')]);
    expectRateLimited(await graphql(router.url, SIGN_UP, { input: { ...input, email: ' PROBE@example.com' } }), 3600);
  });

  it(`refuses a sign-up after ${SIGN_UP_LIMIT_PER_ADDRESS} from one client address, whatever the e-mail`, async () => {
    const router = await routerWith();
    for (let attempt = 0; attempt < SIGN_UP_LIMIT_PER_ADDRESS; attempt++) {
      const response = await graphql(router.url, SIGN_UP, { input: { email: `many-${attempt}@example.com`, name: 'Many', password: 'long enough' } });
      expect(response.errors).toBeUndefined();
    }
    expectRateLimited(await graphql(router.url, SIGN_UP, { input: { email: 'one-more@example.com', name: 'Many', password: 'long enough' } }), 3600);
    expect(await users.db.user.count({ where: { email: 'one-more@example.com' } })).toBe(0);
  });
});

describe('operation limits per client address and per user', () => {
  it('refuses the client address past RATE_LIMIT_IP_OPERATIONS, signed in or not', async () => {
    const router = await routerWith({ env: { RATE_LIMIT_IP_OPERATIONS: '5', RATE_LIMIT_WINDOW_SECONDS: '60' } });
    const token = await tokenFor(alice!.id);
    for (let i = 0; i < 5; i++) expect((await graphql(router.url, '{ users(first: 1) { totalCount } }', {}, i % 2 ? { token } : {})).status).toBe(200);
    expectRateLimited(await graphql(router.url, '{ users(first: 1) { totalCount } }'), 60);
    expectRateLimited(await graphql(router.url, '{ me { id } }', {}, { token: await tokenFor(bob!.id) }), 60);
  });

  it('ignores X-Forwarded-For unless TRUSTED_PROXY_HOPS says a proxy writes it', async () => {
    const query = (router: Router, forwardedFor: string) => graphql(router.url, '{ users(first: 1) { totalCount } }', {}, { headers: { 'x-forwarded-for': forwardedFor } });
    const direct = await routerWith({ env: { RATE_LIMIT_IP_OPERATIONS: '2' } });
    expect((await query(direct, '203.0.113.1')).status).toBe(200);
    expect((await query(direct, '203.0.113.2')).status).toBe(200);
    expectRateLimited(await query(direct, '203.0.113.3'), 60);

    const behindOneProxy = await routerWith({ env: { RATE_LIMIT_IP_OPERATIONS: '2', TRUSTED_PROXY_HOPS: '1' } });
    // The proxy appends the address it saw; what the client wrote before it is not believed.
    for (const client of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) expect((await query(behindOneProxy, `198.51.100.7, ${client}`)).status).toBe(200);
    expect((await query(behindOneProxy, '203.0.113.1')).status).toBe(200);
    expectRateLimited(await query(behindOneProxy, '198.51.100.8, 203.0.113.1'), 60);
  });

  it('refuses a signed-in user past RATE_LIMIT_USER_OPERATIONS while others at the same address carry on', async () => {
    const router = await routerWith({ env: { RATE_LIMIT_USER_OPERATIONS: '3' } });
    const [aliceToken, bobToken] = await Promise.all([tokenFor(alice!.id), tokenFor(bob!.id)]);
    for (let i = 0; i < 3; i++) expect((await graphql(router.url, '{ me { id } }', {}, { token: aliceToken })).data!.me.id).toBe(alice!.id);
    expectRateLimited(await graphql(router.url, '{ me { id } }', {}, { token: aliceToken }), 60);
    expect((await graphql(router.url, '{ me { id } }', {}, { token: bobToken })).data!.me.id).toBe(bob!.id);
    expect((await graphql(router.url, '{ users(first: 1) { totalCount } }')).status).toBe(200);
  });
});

describe('without Redis (npm start)', () => {
  it("limits in each router's own memory", async () => {
    const router = await routerWith({ counts: 'memory' });
    const codes: unknown[] = [];
    for (let attempt = 0; attempt <= LOG_IN_LIMIT_PER_EMAIL; attempt++) codes.push(errorCode(await wrongPassword(router)));
    expect(codes).toEqual([...Array(LOG_IN_LIMIT_PER_EMAIL).fill('UNAUTHENTICATED'), 'RATE_LIMITED']);
    expectRateLimited(await wrongPassword(router), 900);
    // Nothing is shared: another router in memory counts from zero.
    expect(errorCode(await wrongPassword(await routerWith({ counts: 'memory' })))).toBe('UNAUTHENTICATED');
  });
});

describe('a limit the router cannot enforce', () => {
  it('refuses the field rather than serving it unlimited, and serves the rest', async () => {
    // Composition refuses such a rule, so only a hand-edited published supergraph can hold one.
    const { supergraphSdl } = await composeSupergraph(await loadSupergraphConfig(path.resolve(import.meta.dirname, '../supergraph.yaml')));
    const edited = supergraphSdl.replace('@rateLimit(limit: 10, window: 900, by: ["input.email"])', '@rateLimit(limit: 10, window: 900, by: ["input.mail"])');
    expect(edited).not.toBe(supergraphSdl);
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'supergraph-ratelimit-')), 'supergraph.graphql');
    await writeFile(file, edited);
    const router = await routerWith({ env: { SUPERGRAPH_FILE: file } });

    const refused = await wrongPassword(router);
    expect(refused.status).toBe(500);
    expect(errorCode(refused)).toBe('INTERNAL_SERVER_ERROR');
    expect((await graphql(router.url, '{ users(first: 1) { totalCount } }')).status).toBe(200);
  });
});

describe('while Redis is unreachable', () => {
  let redisProxy: TcpProxy;
  beforeAll(async () => {
    const { hostname, port } = new URL(REDIS_URL);
    redisProxy = await startTcpProxy({ host: hostname, port: Number(port || 6379) });
  });
  afterAll(() => redisProxy?.stop());

  const throughProxy = () => ({ redisUrl: `redis://${redisProxy.host}:${redisProxy.port}`, prefix: freshPrefix() });

  it('keeps limiting in each router by default, and shares counts again once Redis is back', async () => {
    redisProxy.unblock();
    const counts = throughProxy();
    const [first, second] = [await routerWith({ counts }), await routerWith({ counts })];
    redisProxy.block('refuse');
    const codes: unknown[] = [];
    for (let attempt = 0; attempt <= LOG_IN_LIMIT_PER_EMAIL; attempt++) codes.push(errorCode(await wrongPassword(first)));
    expect(codes).toEqual([...Array(LOG_IN_LIMIT_PER_EMAIL).fill('UNAUTHENTICATED'), 'RATE_LIMITED']);

    redisProxy.unblock();
    // Each router probes as a user of its own until that user's count shows up in Redis.
    for (const router of [first, second]) {
      const probeUser = randomUUID();
      const probe = await tokenFor(probeUser);
      await waitFor('the router to count in Redis again', async () => {
        await graphql(router!.url, '{ __typename }', {}, { token: probe });
        return (await redisKeys(counts.prefix)).some((key) => key.endsWith(`:op:user:${probeUser}`));
      });
    }
    // Bob's count starts in Redis now: the two routers share it again.
    const shared: unknown[] = [];
    for (let attempt = 0; attempt < 2 * LOG_IN_LIMIT_PER_EMAIL; attempt++) shared.push(errorCode(await wrongPassword([first, second][attempt % 2]!, bob!.email)));
    expect(shared).toEqual([...Array(LOG_IN_LIMIT_PER_EMAIL).fill('UNAUTHENTICATED'), ...Array(LOG_IN_LIMIT_PER_EMAIL).fill('RATE_LIMITED')]);
  });

  it('refuses every operation with SERVICE_UNAVAILABLE and 503 when RATE_LIMIT_REDIS_FAILURE=closed, and nothing runs', async () => {
    redisProxy.unblock();
    const router = await routerWith({ counts: throughProxy(), env: { RATE_LIMIT_REDIS_FAILURE: 'closed' } });
    expect((await graphql(router.url, '{ __typename }')).status).toBe(200);
    redisProxy.block('refuse');
    const before = logInRequestsSeen();
    const refused = await wrongPassword(router);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.errors![0]!.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryAfter: 1 });
    expect(logInRequestsSeen()).toBe(before);
    redisProxy.unblock();
  });

  it('lets every operation through when RATE_LIMIT_REDIS_FAILURE=open', async () => {
    redisProxy.unblock();
    const router = await routerWith({ counts: throughProxy(), env: { RATE_LIMIT_REDIS_FAILURE: 'open' } });
    redisProxy.block('refuse');
    const codes = new Set<unknown>();
    for (let attempt = 0; attempt <= LOG_IN_LIMIT_PER_EMAIL; attempt++) codes.add(errorCode(await wrongPassword(router)));
    expect([...codes]).toEqual(['UNAUTHENTICATED']);
    redisProxy.unblock();
  });

  it('does not wait on a Redis that accepts connections but never answers', async () => {
    redisProxy.unblock();
    const router = await routerWith({ counts: throughProxy() });
    redisProxy.block('hang');
    const started = Date.now();
    for (let attempt = 0; attempt < 5; attempt++) expect(errorCode(await wrongPassword(router))).toBe('UNAUTHENTICATED');
    // One command timeout (500 ms), then the router counts locally for a while instead of waiting again.
    expect(Date.now() - started).toBeLessThan(2_500);
    redisProxy.unblock();
  });
});

describe('subscriptions and graphql-ws', () => {
  const bus = new PubSub();
  const runtime = { eventSource: pubSubEventSource(bus, createLogger('test', 'silent')) };

  it("delivers subscription events without charging the subscriber's operation limit", async () => {
    const router = await routerWith({ env: { RATE_LIMIT_USER_OPERATIONS: '3' }, runtime });
    const token = await tokenFor(alice!.id);
    const client = wsClient(router.url, token);
    // One operation: subscribing.
    const notesCreated = subscribe(client, 'subscription { noteCreated { id title author { name } } }');
    await waitFor('the subscription', () => router.subscriptions!.subscriberCount === 1);
    await router.subscriptions!.ready();

    const [note] = await notes.db.note.findMany({ where: { authorId: bob!.id }, take: 1 });
    for (let version = 1; version <= 10; version++) {
      await bus.publish('note.created', createEvent({ type: 'note.created', aggregateType: 'Note', aggregateId: note!.id, aggregateVersion: version, data: { noteId: note!.id, authorId: bob!.id } }, { actorId: bob!.id, correlationId: null }));
    }
    await notesCreated.nth(10);
    expect(notesCreated.results.every((result) => result.data.noteCreated.author.name === bob!.name && !result.errors)).toBe(true);

    // Ten events later, two of alice's three operations are left.
    expect((await graphql(router.url, '{ me { id } }', {}, { token })).status).toBe(200);
    expect((await graphql(router.url, '{ me { id } }', {}, { token })).status).toBe(200);
    expectRateLimited(await graphql(router.url, '{ me { id } }', {}, { token }), 60);
    notesCreated.dispose();
    await client.dispose();
  });

  it('answers RATE_LIMITED over graphql-ws, for queries and subscriptions alike, and keeps the socket and its subscriptions open', async () => {
    const router = await routerWith({ env: { RATE_LIMIT_USER_OPERATIONS: '2' }, runtime });
    const token = await tokenFor(alice!.id);
    const client = wsClient(router.url, token);
    let closed: unknown;
    client.on('closed', (event) => (closed = event));
    const live = subscribe(client, 'subscription { noteCreated { title } }');
    await waitFor('the subscription', () => router.subscriptions!.subscriberCount === 1);
    await router.subscriptions!.ready();
    expect((await subscribe(client, '{ me { id } }').nth(1)).data.me.id).toBe(alice!.id);

    const refusedQuery = await subscribe(client, '{ me { id } }').nth(1);
    expect(refusedQuery.data ?? null).toBeNull();
    expect(refusedQuery.errors).toEqual([expect.objectContaining({ extensions: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) } })]);

    const refusedSubscription = subscribe(client, 'subscription { noteDeleted(id: "x") { id } }');
    await waitFor('the refusal', () => refusedSubscription.error() !== undefined);
    expect(refusedSubscription.error()).toEqual([expect.objectContaining({ extensions: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) } })]);

    // The socket is open and its subscription live: an event still arrives on it.
    const [note] = await notes.db.note.findMany({ where: { authorId: alice!.id }, take: 1 });
    await bus.publish('note.created', createEvent({ type: 'note.created', aggregateType: 'Note', aggregateId: note!.id, aggregateVersion: 1, data: { noteId: note!.id, authorId: alice!.id } }, { actorId: alice!.id, correlationId: null }));
    expect((await live.nth(1)).data.noteCreated.title).toBe(note!.title);
    expect(closed).toBeUndefined();
    live.dispose();
    await client.dispose();
  });
});

async function redisKeys(prefix: string): Promise<string[]> {
  const redis = await connectRedis();
  try {
    return await redis.keys(`${prefix}:*`);
  } finally {
    redis.disconnect();
  }
}
