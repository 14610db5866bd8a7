import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '@supergraph/demo';
import { graphql } from '../test/kit/graphql.ts';
import { embeddedEnv } from '../test/kit/embeddedEnv.ts';
import { waitFor } from '../test/kit/waitFor.ts';
import { sseClient } from '../test/kit/sseClient.ts';
import { subscribe, wsClient } from '../test/kit/wsClient.ts';

const root = path.resolve(import.meta.dirname, '..');
const exampleQuery = readFileSync(path.join(root, 'docs/example-query.graphql'), 'utf8');
let dataDir: string;

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Settles once npm has exited and its output has all been read. */
  closed: Promise<unknown>;
}

/** `npm start` as a user runs it, with no database URLs, on free ports and a throwaway data folder. */
/** Process groups of the `npm start`s this file started and has not yet seen stop. */
const running = new Set<number>();

function npmStart(): Promise<Started> {
  const env = embeddedEnv(dataDir, { NODE_ENV: 'development' });
  const child = spawn('npm', ['start', '--silent'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.add(child.pid!);
  let output = '';
  const closed = new Promise((resolve) => child.once('close', resolve));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /Supergraph ready: (\S+)/.exec(output);
      if (ready) resolve({ child, url: ready[1]!, output: () => output, closed });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code} before it was ready:\n${output}`)));
  });
}

const groupAlive = (pid: number) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Ctrl-C, as a terminal sends it, to the whole process group; resolves once
 * every process in it has exited (npm itself re-raises SIGINT, so its own
 * exit status says nothing about the supergraph's shutdown).
 */
async function interrupt(started: Started): Promise<void> {
  started.child.removeAllListeners('exit');
  process.kill(-started.child.pid!, 'SIGINT');
  const deadline = Date.now() + 20_000;
  while (groupAlive(started.child.pid!)) {
    if (Date.now() > deadline) throw new Error(`npm start did not stop within 20 s of Ctrl-C:\n${started.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  running.delete(started.child.pid!);
  // The group is gone, but its last words may still be in the pipe.
  await started.closed;
}

async function logIn(url: string, email: string): Promise<string> {
  const login = await graphql(url, 'mutation($input: LogInInput!) { logIn(input: $input) { token } }', {
    input: { email, password: DEMO_PASSWORD },
  });
  expect(login.errors).toBeUndefined();
  return login.data!.logIn.token;
}

async function askExampleQuery(url: string) {
  return graphql(url, exampleQuery, {}, { token: await logIn(url, 'alice@example.com') });
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'supergraph-embedded-'));
});
afterAll(async () => {
  // A failed assertion skips the test's own Ctrl-C: its supergraph must not outlive the run.
  for (const pid of running) if (groupAlive(pid)) process.kill(-pid, 'SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start (embedded PostgreSQL, nothing installed)', () => {
  it("serves the README's example query from seeded data, live and resumed subscriptions (graphql-ws, SSE), the order saga, stops on Ctrl-C and keeps its data across restarts", async () => {
    const first = await npmStart();
    const answer = await askExampleQuery(first.url);
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.me.notes.edges.length).toBeGreaterThan(0);
    expect(answer.data!.me.orders.edges.length).toBeGreaterThan(0);

    // Subscriptions work in the one-command start too, fed in process (sign-ups are for admins).
    const adminToken = await logIn(first.url, 'admin@example.com');
    const client = wsClient(first.url, adminToken);
    const registrations = subscribe(client, 'subscription { userRegistered { email } }');
    await waitFor('the subscription to be live', async () => {
      const health = (await (await fetch(first.url.replace('/graphql', '/health'))).json()) as { subscriptions: number };
      return health.subscriptions === 1;
    });
    const created = await graphql(
      first.url,
      'mutation($input: SignUpInput!) { signUp(input: $input) { user { id } } }',
      { input: { email: 'persisted@example.com', name: 'Persisted', password: 'long enough' } },
    );
    expect(created.errors).toBeUndefined();
    const registered = await registrations.nth(1, 10_000);
    expect(registered.data).toEqual({ userRegistered: { email: 'persisted@example.com' } });
    await client.dispose();

    // Away, then back over SSE from the last event id: the in-memory history gives the one missed.
    const signUp = (email: string) => graphql(first.url, 'mutation($input: SignUpInput!) { signUp(input: $input) { user { id } } }', { input: { email, name: 'Missed', password: 'long enough' } });
    expect((await signUp('missed@example.com')).errors).toBeUndefined();
    const resumed = subscribe(sseClient(first.url, adminToken, { lastEventId: registered.extensions.event.id }), 'subscription { userRegistered { email } }');
    expect((await resumed.nth(1, 10_000)).data).toEqual({ userRegistered: { email: 'missed@example.com' } });
    resumed.dispose();

    // The order saga in process: payments authorizes or declines, orders confirms or cancels.
    const bobToken = await logIn(first.url, 'bob@example.com');
    const place = async (paymentMethod: string) => {
      const placed = await graphql(first.url, 'mutation($m: String!) { placeOrder(input: { items: [{ productId: "00000000-0000-4000-8000-100000000001", quantity: 1 }], paymentMethod: $m }, idempotencyKey: $m) { id } }', { m: paymentMethod }, { token: bobToken });
      expect(placed.errors).toBeUndefined();
      return placed.data!.placeOrder.id as string;
    };
    const settled = (id: string, status: string) =>
      waitFor(`order ${id} to be ${status}`, async () => {
        const read = await graphql(first.url, 'query($id: ID!) { order(id: $id) { status cancelReason payment { status } } }', { id }, { token: bobToken });
        return read.data?.order.status === status && read.data.order.payment && read.data.order;
      }, { timeoutMs: 20_000 });
    expect(await settled(await place('pm_card_ok'), 'CONFIRMED')).toEqual({ status: 'CONFIRMED', cancelReason: null, payment: { status: 'AUTHORIZED' } });
    expect(await settled(await place('pm_card_declined'), 'CANCELLED')).toEqual({ status: 'CANCELLED', cancelReason: 'PAYMENT_DECLINED', payment: { status: 'DECLINED' } });
    await interrupt(first);
    expect(first.output()).toContain('Stopping...');

    const second = await npmStart();
    const again = await askExampleQuery(second.url);
    expect(again.data).toEqual(answer.data);
    const users = await graphql(second.url, '{ users(first: 100) { totalCount edges { node { email } } } }', {}, { token: await logIn(second.url, 'admin@example.com') });
    expect(users.data!.users.edges.map((edge: any) => edge.node.email)).toContain('persisted@example.com');
    await interrupt(second);
  }, 180_000);
});
