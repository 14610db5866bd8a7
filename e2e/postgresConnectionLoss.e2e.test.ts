import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { type OutboxRelay } from '@supergraph/common';
import { demoUsers } from '@supergraph/demo';
import { graphql, type GraphQLResponse } from '../test/kit/graphql.ts';
import { startPipeline, type Pipeline } from '../test/kit/pipeline.ts';
import { ADMIN_URL } from '../test/kit/postgres.ts';
import { tokenFor } from '../test/kit/tokens.ts';
import { waitFor } from '../test/kit/waitFor.ts';
import { subscribe, wsClient, type Subscription } from '../test/kit/wsClient.ts';

/** Longer than any request may take: a request still open by then hangs. Failing fast means well within it. */
const HANG_MS = 8_000;
/** How soon after the last termination every kind of write must succeed again, and each relay publish again. */
const RECOVERY_MS = 2_000;
const WRITERS = 8;

const [alice, bob, carol, admin] = demoUsers;
let pipeline: Pipeline | undefined;
let cleanups: (() => Promise<unknown> | unknown)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await pipeline?.stop();
  pipeline = undefined;
  cleanups = [];
});

type Kind = 'note' | 'order' | 'user';
interface Outcome {
  kind: Kind;
  startedAt: number;
  endedAt: number;
  ok: boolean;
  code?: unknown;
  hung?: boolean;
}

/** What each kind of writer asks the router, each a write to another subgraph's database and outbox. */
function writeOnce(url: string, kind: Kind, tokens: string[], productId: string, n: number): Promise<GraphQLResponse> {
  const token = tokens[n % tokens.length]!;
  const signal = AbortSignal.timeout(HANG_MS);
  if (kind === 'note') {
    return graphql(url, 'mutation($t: String!) { createNote(input: { title: $t, content: "under fire" }) { id } }', { t: `note ${n}` }, { token, signal });
  }
  if (kind === 'order') {
    return graphql(
      url,
      'mutation($p: ID!, $k: String!) { placeOrder(input: { items: [{ productId: $p, quantity: 1 }] }, idempotencyKey: $k) { id } }',
      { p: productId, k: randomUUID() },
      { token, signal },
    );
  }
  return graphql(
    url,
    'mutation($i: SignUpInput!) { signUp(input: $i) { user { id } } }',
    { i: { email: `writer-${randomUUID()}@example.com`, name: 'Writer', password: 'a long enough password' } },
    { signal },
  );
}

/** `WRITERS` loops writing through the router until stopped, each request timed and its outcome kept. */
function startWriters(url: string, tokens: string[], productId: string) {
  const outcomes: Outcome[] = [];
  const kinds: Kind[] = ['note', 'note', 'note', 'order', 'order', 'user', 'note', 'order'];
  let running = true;
  let n = 0;
  const loops = kinds.slice(0, WRITERS).map(async (kind) => {
    while (running) {
      const startedAt = Date.now();
      try {
        const response = await writeOnce(url, kind, tokens, productId, n++);
        outcomes.push({ kind, startedAt, endedAt: Date.now(), ok: !response.errors, code: response.errors?.[0]?.extensions?.code });
      } catch (error) {
        const hung = (error as Error).name === 'TimeoutError';
        outcomes.push({ kind, startedAt, endedAt: Date.now(), ok: false, hung, code: hung ? 'HUNG' : (error as Error).message });
      }
    }
  });
  return {
    outcomes,
    /** Resolves once every kind of write has succeeded after `since`, with the time of the last kind's first success. */
    succeededAfter: (since: number) =>
      waitFor(`a write of every kind succeeding after ${new Date(since).toISOString()}`, () => {
        const firsts = (['note', 'order', 'user'] as const).map((kind) => outcomes.find((o) => o.kind === kind && o.ok && o.startedAt >= since)?.endedAt);
        return firsts.every((at) => at !== undefined) ? Math.max(...(firsts as number[])) : undefined;
      }, { timeoutMs: 20_000 }),
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** Asks every subgraph's /health every 100 ms; remembers any that did not answer (any status) within 2 s. */
function watchHealth(urls: string[]) {
  const unanswered: string[] = [];
  let answers = 0;
  let running = true;
  const loops = urls.map(async (url) => {
    const health = url.replace(/\/graphql$/, '/health');
    while (running) {
      try {
        await fetch(health, { signal: AbortSignal.timeout(2_000) }).then((response) => response.arrayBuffer());
        answers++;
      } catch (error) {
        unanswered.push(`${health}: ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  return {
    unanswered,
    get answers() {
      return answers;
    },
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** Times each relay's batches, to see how soon each publishes again after the database was cut. */
function watchRelays(relays: OutboxRelay[]) {
  const published = relays.map(() => [] as number[]);
  relays.forEach((relay, i) => relay.on('published', () => published[i]!.push(Date.now())));
  return { firstAfter: (since: number) => published.map((times) => times.find((at) => at >= since)) };
}

/** Ends every backend of the given databases, as a failover or an administrator does. */
async function terminator(databases: string[]) {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  client.on('error', () => {});
  await client.connect();
  cleanups.push(() => client.end());
  return async (): Promise<number> => {
    const { rows } = await client.query<{ ended: number }>(
      'SELECT count(pg_terminate_backend(pid))::int AS "ended" FROM pg_stat_activity WHERE datname = ANY($1::text[]) AND pid <> pg_backend_pid()',
      [databases],
    );
    return rows[0]!.ended;
  };
}

const databaseOf = async (db: { $queryRawUnsafe: <T>(sql: string) => Promise<T> }) =>
  (await db.$queryRawUnsafe<{ name: string }[]>('SELECT current_database() AS "name"'))[0]!.name;

/** The ids of the events of one type that committed, from the subgraph's own outbox. */
const committedEventIds = async (db: { outboxEvent: { findMany: (args: object) => Promise<{ payload: unknown }[]> } }, type: string) =>
  (await db.outboxEvent.findMany({ where: { type }, select: { payload: true } })).map((row) => (row.payload as { id: string }).id);

const eventIdsOf = (subscription: Subscription) => subscription.results.map((result) => result.extensions.event.id as string);

async function scenario(terminations: number, intervalMs: number) {
  pipeline = await startPipeline();
  const { routers, users, notes, orders } = pipeline;
  const router = routers[0]!;
  // Plenty of stock, so every order can succeed.
  const product = await orders.db.product.create({ data: { name: 'Inexhaustible', priceCents: 100, stock: 1_000_000 } });
  const tokens = await Promise.all([alice, bob, carol].map((user) => tokenFor(user!.id)));

  // An admin sees every user's orders and sign-ups: one subscriber per event stream, fed through the whole pipeline.
  const client = wsClient(router.url, await tokenFor(admin!.id, 'ADMIN'));
  cleanups.push(() => client.dispose());
  const streams = {
    notes: subscribe(client, 'subscription { noteCreated { id } }'),
    orders: subscribe(client, 'subscription { orderUpdated { id } }'),
    users: subscribe(client, 'subscription { userRegistered { id } }'),
  };
  await waitFor('the subscriptions', async () => router.subscriptions!.subscriberCount === 3 && (await router.subscriptions!.ready(), true));

  const terminate = await terminator(await Promise.all([users.db, notes.db, orders.db].map((db) => databaseOf(db as never))));
  const relays = watchRelays([users.outboxRelay!, notes.outboxRelay!, orders.outboxRelay!]);
  const health = watchHealth([users.url, notes.url, orders.url]);
  const writers = startWriters(router.url, tokens, product.id);
  cleanups.push(() => writers.stop(), () => health.stop());
  await writers.succeededAfter(0);

  let ended = 0;
  for (let i = 0; i < terminations; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
    ended += await terminate();
  }
  const lastTermination = Date.now();
  const recoveredAt = await writers.succeededAfter(lastTermination);
  // Writes carry on a little, so every relay has something to publish after the last cut.
  await waitFor('every relay publishing again', () => relays.firstAfter(lastTermination).every((at) => at !== undefined), { timeoutMs: 20_000 });
  await writers.stop();
  await health.stop();

  // Every committed event leaves its outbox and reaches the subscriber once.
  for (const subgraph of [users, notes, orders]) {
    await waitFor('the outbox drained', async () => (await subgraph.outboxRelay!.pending()) === 0, { timeoutMs: 20_000 });
  }
  const committed = {
    notes: await committedEventIds(notes.db as never, 'note.created'),
    orders: await committedEventIds(orders.db as never, 'order.placed'),
    users: await committedEventIds(users.db as never, 'user.registered'),
  };
  for (const [name, ids] of Object.entries(committed)) {
    const stream = streams[name as keyof typeof streams];
    await waitFor(`every ${name} event at the subscriber`, () => new Set(eventIdsOf(stream)).size >= ids.length, { timeoutMs: 20_000 });
  }
  return { ended, lastTermination, recoveredAt, relays, health, writers, committed, streams };
}

function expectSurvived(result: Awaited<ReturnType<typeof scenario>>) {
  const { ended, lastTermination, recoveredAt, relays, health, writers, committed, streams } = result;
  // The cut really happened: connections of the subgraphs were ended.
  expect(ended).toBeGreaterThan(0);
  // No request hung: each failed fast or succeeded.
  expect(writers.outcomes.filter((o) => o.hung)).toEqual([]);
  expect(Math.max(...writers.outcomes.map((o) => o.endedAt - o.startedAt))).toBeLessThan(HANG_MS);
  // Failed writes were told a retriable reason, never an internal error.
  const failed = writers.outcomes.filter((o) => !o.ok);
  expect(failed.filter((o) => o.code !== 'SERVICE_UNAVAILABLE')).toEqual([]);
  // Every kind of write succeeds again soon after the last cut, and every relay publishes again.
  expect(recoveredAt - lastTermination).toBeLessThan(RECOVERY_MS);
  for (const at of relays.firstAfter(lastTermination)) expect(at! - lastTermination).toBeLessThan(RECOVERY_MS);
  // /health answered throughout.
  expect(health.unanswered).toEqual([]);
  expect(health.answers).toBeGreaterThan(0);
  // No event lost or repeated between the outbox and the subscriber.
  for (const [name, ids] of Object.entries(committed)) {
    const received = eventIdsOf(streams[name as keyof typeof streams]);
    expect(ids.length).toBeGreaterThan(0);
    expect(received).toHaveLength(new Set(received).size);
    expect(new Set(received)).toEqual(new Set(ids));
    // Each result resolved its entity, or says why not with the retriable code: never a silent gap, never an internal error.
    for (const result of streams[name as keyof typeof streams].results) {
      const resolved = Object.values(result.data ?? {}).some((value) => value !== null);
      if (!resolved) expect(result.errors?.map((error: { extensions: { code: string } }) => error.extensions.code)).toEqual(['SERVICE_UNAVAILABLE']);
      else expect(result.errors).toBeUndefined();
    }
  }
}

describe('Postgres ending every connection of the subgraphs under load', () => {
  it('once: no process exits, no request hangs, writes and relays recover within 2 s, no event lost or repeated', async () => {
    expectSurvived(await scenario(1, 0));
  }, 180_000);

  it('50 times, 100 ms apart: the same holds after the storm', async () => {
    expectSurvived(await scenario(50, 100));
  }, 180_000);
});
