import { PubSub } from 'graphql-subscriptions';
import pg from 'pg';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createLogger, sessionFromAuthorization } from '@supergraph/common';
import { demoUsers } from '@supergraph/demo';
import { pubSubEventSource } from '@supergraph/router';
import { graphql } from '../test/kit/graphql.ts';
import { createTestDatabase } from '../test/kit/postgres.ts';
import { startServiceProcess, type ServiceProcess } from '../test/kit/serviceProcess.ts';
import { startStack, type TestStack } from '../test/kit/stack.ts';
import { startSubgraphForTest } from '../test/kit/subgraphs.ts';
import { tokenFor } from '../test/kit/tokens.ts';
import { waitFor } from '../test/kit/waitFor.ts';
import { subscribe, wsClient } from '../test/kit/wsClient.ts';

const [alice] = demoUsers;
const UPDATE = 'mutation($id: ID!, $v: Int!) { updateNote(id: $id, input: { content: "written while stopping" }, expectedVersion: $v) { version } }';
let stack: TestStack | undefined;
let locker: pg.Client | undefined;
let child: ServiceProcess | undefined;

afterEach(async () => {
  await locker?.end();
  if (child?.child.exitCode === null) child.child.kill('SIGKILL');
  await stack?.stop();
  stack = locker = child = undefined;
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

describe('stopping the router past its grace period', () => {
  it('gives an operation still running when the subgraph connections close SERVICE_UNAVAILABLE, not a closed-client failure', async () => {
    stack = await startStack({ routerEnv: { SHUTDOWN_GRACE_MS: '300', SUBGRAPH_TIMEOUT_MS: '60000' } });
    const token = await tokenFor(alice.id);
    const [noteId] = await notesOf(stack.router.url, token, 1);
    const locks = await lockNotes(await databaseUrlOf(stack.notes.db as never), [noteId!]);
    // Straight into Apollo, not over HTTP: the HTTP drain cuts a client's connection at the grace period, and this test reads the answer after it.
    const authorization = `Bearer ${token}`;
    const { viewer, scopes } = await sessionFromAuthorization(authorization, { JWT_SECRET: process.env.JWT_SECRET!, JWT_ISSUER: 'supergraph', JWT_AUDIENCE: 'supergraph' });
    const running = stack.router.apollo.executeOperation(
      { query: UPDATE, variables: { id: noteId, v: 1 } },
      { contextValue: { viewer, scopes, authorization, clientAddress: '127.0.0.1', requestId: 'in-flight-at-stop', logger: createLogger('test', 'silent') } as never },
    );
    await waitFor('the update waiting on its row', async () => (await locks.waiting()) === 1);

    await stack.router.stop();
    // Answered as the stop aborted its fetch, not after SUBGRAPH_TIMEOUT_MS.
    const response = await Promise.race([running, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the operation outlived the stop')), 10_000))]);
    await locks.release();
    const body = JSON.stringify(response.body);
    expect(body).toContain('SERVICE_UNAVAILABLE');
    expect(body).not.toMatch(/client is closed|fetch failed/i);
  });
});

describe('SIGTERM to a service process', () => {
  it('a subgraph finishes the request in flight, then exits 0', async () => {
    const database = await createTestDatabase(inject('templates').notes);
    try {
      child = await startServiceProcess('subgraphs/notes/src/main.ts', { NOTES_DATABASE_URL: database.url, NOTES_PORT: '0' });
      const token = await tokenFor(alice.id);
      const [noteId] = await notesOf(child.url, token, 1);
      const locks = await lockNotes(database.url, [noteId!]);
      const update = graphql(child.url, UPDATE, { id: noteId, v: 1 }, { token });
      await waitFor('the update waiting on its row', async () => (await locks.waiting()) === 1);

      child.child.kill('SIGTERM');
      await waitFor('the subgraph to refuse new connections', () => refused(child!.url));
      await locks.release();
      expect(await update).toMatchObject({ status: 200, data: { updateNote: { version: 2 } } });
      expect(await child.exited).toBe(0);
    } finally {
      await locker?.end();
      locker = undefined;
      if (child?.child.exitCode === null) child.child.kill('SIGKILL');
      await child?.exited;
      await database.drop();
    }
  });

  it('the router finishes the operation in flight, then exits 0', async () => {
    stack = await startStack();
    const token = await tokenFor(alice.id);
    const [noteId] = await notesOf(stack.notes.url, token, 1);
    const locks = await lockNotes(await databaseUrlOf(stack.notes.db as never), [noteId!]);
    child = await startServiceProcess('router/src/main.ts', {
      ROUTER_PORT: '0',
      USERS_ROUTING_URL: stack.users.url,
      NOTES_ROUTING_URL: stack.notes.url,
      ORDERS_ROUTING_URL: stack.orders.url,
    });
    const update = graphql(child.url, UPDATE, { id: noteId, v: 1 }, { token });
    await waitFor('the update waiting on its row', async () => (await locks.waiting()) === 1);

    child.child.kill('SIGTERM');
    await waitFor('the router to refuse new connections', () => refused(child!.url));
    await locks.release();
    expect(await update).toMatchObject({ status: 200, data: { updateNote: { version: 2 } } });
    expect(await child.exited).toBe(0);
    expect(child.output()).not.toMatch(/client is closed|fetch failed/i);
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
