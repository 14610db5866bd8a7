import { afterEach, describe, expect, inject, it } from 'vitest';
import { loadNotesConfig, startNotesSubgraph, type NotesSubgraph } from '@supergraph/notes';
import { createTestDatabase, type TestDatabase } from '../test/kit/postgres.ts';
import { REDIS_URL } from '../test/kit/redis.ts';
import { startStack, type TestStack } from '../test/kit/stack.ts';
import { startTcpProxy, type TcpProxy } from '../test/kit/tcpProxy.ts';
import { waitFor } from '../test/kit/waitFor.ts';

// Probes answer from a fresh check each time, so the test sees a change as soon as it happens.
const env = { READINESS_CACHE_MS: '0', READINESS_TIMEOUT_MS: '1000' };
let cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

const probe = async (graphqlUrl: string, path = '/health/ready') => {
  const response = await fetch(graphqlUrl.replace(/\/graphql$/, path));
  return { status: response.status, body: (await response.json()) as { status: string; dependencies?: Record<string, string> } };
};

describe('router readiness', () => {
  it('is ready with every subgraph up, and answers 503 naming a subgraph that stopped while staying live', async () => {
    const stack: TestStack = await startStack({ env });
    cleanups.push(async () => {
      await stack.router.stop();
      await Promise.all([stack.users.stop(), stack.orders.stop(), stack.payments?.stop(), stack.webhooks?.stop()]);
    });
    expect(await probe(stack.router.url)).toEqual({
      status: 200,
      body: expect.objectContaining({
        status: 'ok',
        dependencies: { 'subgraph:users': 'up', 'subgraph:notes': 'up', 'subgraph:orders': 'up', 'subgraph:payments': 'up', 'subgraph:webhooks': 'up' },
      }),
    });

    await stack.notes.stop();
    expect(await probe(stack.router.url)).toEqual({
      status: 503,
      body: expect.objectContaining({
        status: 'unavailable',
        dependencies: { 'subgraph:users': 'up', 'subgraph:notes': 'down', 'subgraph:orders': 'up', 'subgraph:payments': 'up', 'subgraph:webhooks': 'up' },
      }),
    });
    expect((await probe(stack.router.url, '/health')).status).toBe(503);
    expect((await probe(stack.router.url, '/health/live')).status).toBe(200);
  });

  it('names Redis when the router has one and it is down', async () => {
    const redisUrl = new URL(REDIS_URL);
    const proxy: TcpProxy = await startTcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
    cleanups.push(() => proxy.stop());
    const stack = await startStack({ env, routerEnv: { REDIS_URL: `redis://${proxy.host}:${proxy.port}` } });
    cleanups.push(() => stack.stop());
    await waitFor('the router ready with Redis', async () => (await probe(stack.router.url)).body.dependencies?.redis === 'up');

    proxy.block();
    await waitFor('Redis named down', async () => {
      const { status, body } = await probe(stack.router.url);
      return status === 503 && body.dependencies?.redis === 'down';
    });
    proxy.unblock();
    await waitFor('ready again once Redis is back', async () => (await probe(stack.router.url)).status === 200, { timeoutMs: 15_000 });
  });
});

describe('subgraph readiness', () => {
  it('answers 503 naming its database while Postgres is unreachable, and 200 once it is back', async () => {
    const database: TestDatabase = await createTestDatabase(inject('templates').notes);
    cleanups.push(() => database.drop());
    const direct = new URL(database.url);
    const proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    cleanups.push(() => proxy.stop());
    const proxied = Object.assign(new URL(database.url), { hostname: proxy.host, port: String(proxy.port) }).toString();
    const notes: NotesSubgraph = await startNotesSubgraph(loadNotesConfig({ ...process.env, ...env, NOTES_DATABASE_URL: proxied, NOTES_PORT: '0' }));
    cleanups.push(() => notes.stop());
    expect(await probe(notes.url)).toEqual({ status: 200, body: { status: 'ok', service: 'notes', dependencies: { database: 'up' } } });

    proxy.block();
    await waitFor('the database named down', async () => (await probe(notes.url)).status === 503);
    expect(await probe(notes.url)).toEqual({ status: 503, body: { status: 'unavailable', service: 'notes', dependencies: { database: 'down' } } });
    expect((await probe(notes.url, '/health/live')).status).toBe(200);

    proxy.unblock();
    await waitFor('ready again', async () => (await probe(notes.url)).status === 200, { timeoutMs: 15_000 });
  });
});
