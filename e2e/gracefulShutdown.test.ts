import { PubSub } from 'graphql-subscriptions';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@supergraph/common';
import { demoUsers } from '@supergraph/demo';
import { pubSubEventSource } from '@supergraph/router';
import { graphql } from '../test/kit/graphql.ts';
import { startStack, type TestStack } from '../test/kit/stack.ts';
import { startSubgraphForTest } from '../test/kit/subgraphs.ts';
import { tokenFor } from '../test/kit/tokens.ts';
import { waitFor } from '../test/kit/waitFor.ts';
import { subscribe, wsClient } from '../test/kit/wsClient.ts';

const [alice] = demoUsers;
const UPDATE = 'mutation($id: ID!, $v: Int!) { updateNote(id: $id, input: { content: "written while stopping" }, expectedVersion: $v) { version } }';
let stack: TestStack | undefined;
let locker: pg.Client | undefined;

afterEach(async () => {
  await locker?.end();
  await stack?.stop();
  stack = locker = undefined;
});

/**
 * Holds row locks on notes in the notes database, so updates of them wait
 * inside the subgraph: requests that are certainly in flight when a stop
 * begins, for as long as the test decides.
 */
async function lockNotes(url: string, ids: string[]) {
  locker = new pg.Client({ connectionString: url });
  locker.on('error', () => {});
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query('SELECT 1 FROM "Note" WHERE "id" = ANY($1::uuid[]) FOR UPDATE', [ids]);
  const client = locker;
  return {
    waiting: async () => {
      // Inside a transaction pg_stat_activity is a snapshot taken at first use: drop it to see the present.
      await client.query('SELECT pg_stat_clear_snapshot()');
      return (await client.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
      )).rows[0]!.n;
    },
    release: () => client.query('COMMIT'),
  };
}

async function notesOf(url: string, token: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const created = await graphql(url, 'mutation($t: String!) { createNote(input: { title: $t, content: "." }) { id } }', { t: `note ${i}` }, { token });
    ids.push(created.data!.createNote.id);
  }
  return ids;
}

const databaseUrlOf = async (db: { $queryRawUnsafe: <T>(sql: string) => Promise<T> }) => {
  const [row] = await db.$queryRawUnsafe<{ name: string }[]>('SELECT current_database() AS "name"');
  return Object.assign(new URL(process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres'), { pathname: `/${row!.name}` }).toString();
};

const refused = (url: string) => fetch(url, { method: 'POST' }).then(() => false, () => true);

describe('stopping the router', () => {
  it('refuses new socket operations, lets HTTP and WebSocket operations in flight finish, ends subscriptions with 1001, then stops listening', async () => {
    stack = await startStack({ runtime: { eventSource: pubSubEventSource(new PubSub(), createLogger('test', 'silent')) } });
    const token = await tokenFor(alice.id);
    const [overHttp, overSocket] = await notesOf(stack.router.url, token, 2);
    const locks = await lockNotes(await databaseUrlOf(stack.notes.db as never), [overHttp!, overSocket!]);

    const client = wsClient(stack.router.url, token);
    let closeCode: number | undefined;
    client.on('closed', (event) => (closeCode = (event as { code: number }).code));
    const live = subscribe(client, 'subscription { noteCreated { id } }');
    await waitFor('the subscription', () => stack!.router.subscriptions!.subscriberCount === 1);
    const httpUpdate = graphql(stack.router.url, UPDATE, { id: overHttp, v: 1 }, { token });
    const socketUpdate = subscribe(client, UPDATE, { id: overSocket, v: 1 });
    await waitFor('both updates waiting inside the subgraph', async () => (await locks.waiting()) === 2);

    let stopped = false;
    const stopping = stack.router.stop().then(() => (stopped = true));
    // While its operations are in flight, the socket takes no new ones.
    const late = subscribe(client, '{ me { id } }');
    await waitFor('the late operation refused', () => late.error() !== undefined);
    expect(JSON.stringify(late.error())).toContain('SERVICE_UNAVAILABLE');
    expect(stopped).toBe(false);

    await locks.release();
    expect(await httpUpdate).toMatchObject({ status: 200, data: { updateNote: { version: 2 } } });
    expect(await socketUpdate.nth(1)).toEqual({ data: { updateNote: { version: 2 } }, extensions: { cost: expect.any(Object) } });
    await stopping;
    expect(await refused(stack.router.url)).toBe(true);
    await waitFor('the socket to close', () => closeCode !== undefined);
    expect(closeCode).toBe(1001);
    expect(live.results).toEqual([]);
  });
});

describe('stopping a subgraph', () => {
  it('stops accepting and lets its requests in flight finish before it closes its database', async () => {
    stack = await startStack();
    const token = await tokenFor(alice.id);
    const [noteId] = await notesOf(stack.notes.url, token, 1);
    const locks = await lockNotes(await databaseUrlOf(stack.notes.db as never), [noteId!]);
    const order: string[] = [];
    const update = graphql(stack.notes.url, UPDATE, { id: noteId, v: 1 }, { token }).then((response) => (order.push('update answered'), response));
    await waitFor('the update waiting on its row', async () => (await locks.waiting()) === 1);

    const stopping = stack.notes.stop().then(() => order.push('stopped'));
    await waitFor('the subgraph to refuse new connections', () => refused(stack!.notes.url));
    await locks.release();
    expect(await update).toMatchObject({ status: 200, data: { updateNote: { version: 2 } } });
    await stopping;
    expect(order).toEqual(['update answered', 'stopped']);
  });

  it('stops within its grace period even when a request in flight never finishes', async () => {
    const graceMs = 500;
    const notes = await startSubgraphForTest('notes', { env: { SHUTDOWN_GRACE_MS: String(graceMs) } });
    const token = await tokenFor(alice.id);
    const [noteId] = await notesOf(notes.url, token, 1);
    const locks = await lockNotes(await databaseUrlOf(notes.db as never), [noteId!]);
    const update = graphql(notes.url, UPDATE, { id: noteId, v: 1 }, { token }).catch((error: Error) => error);
    await waitFor('the update waiting on its row', async () => (await locks.waiting()) === 1);

    // The lock is never released while the subgraph stops: its drain, relay and pool each give up after the grace period.
    const started = Date.now();
    await notes.stop();
    expect(Date.now() - started).toBeLessThan(20 * graceMs);
    expect(await update).toBeInstanceOf(Error);
  });
});
