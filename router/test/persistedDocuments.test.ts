import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '@supergraph/demo';
import { PubSub } from 'graphql-subscriptions';
import { createEvent, createLogger } from '@supergraph/common';
import { loadRouterConfig, pubSubEventSource, startRouter, type Router, type RouterRuntime } from '@supergraph/router';
import { graphql } from '../../test/kit/graphql.ts';
import { REDIS_URL } from '../../test/kit/redis.ts';
import { startStack, type TestStack } from '../../test/kit/stack.ts';
import { tokenFor } from '../../test/kit/tokens.ts';
import { subscribe, wsClient } from '../../test/kit/wsClient.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const REGISTERED = 'query MyName { me { name } }';
const REGISTERED_SUBSCRIPTION = 'subscription NewNotes { noteCreated { title } }';
const [alice] = demoUsers;

/** A request as Apollo's persisted-query link sends it: the hash, and the document only when asked for it. */
async function byHash(url: string, document: string, options: { token?: string; withDocument?: boolean } = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
    body: JSON.stringify({
      ...(options.withDocument ? { query: document } : {}),
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256(document) } },
    }),
  });
  return { status: response.status, ...((await response.json()) as { data?: any; errors?: any[] }) };
}

let stack: TestStack;
let manifest: string;
let dir: string;
const routers: Router[] = [];
/** Another router in front of the stack's subgraphs, with settings of its own. */
async function routerWith(env: NodeJS.ProcessEnv, runtime?: RouterRuntime): Promise<Router> {
  const router = await startRouter(
    loadRouterConfig({ ...process.env, ROUTER_PORT: '0', USERS_ROUTING_URL: stack.users.url, NOTES_ROUTING_URL: stack.notes.url, ORDERS_ROUTING_URL: stack.orders.url, ...env }),
    runtime,
  );
  routers.push(router);
  return router;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'persisted-'));
  manifest = path.join(dir, 'web.json');
  await writeFile(manifest, JSON.stringify({ [sha256(REGISTERED)]: REGISTERED, [sha256(REGISTERED_SUBSCRIPTION)]: REGISTERED_SUBSCRIPTION }));
  stack = await startStack({ seed: true });
});
afterAll(async () => {
  await Promise.all(routers.map((router) => router.stop()));
  await stack?.stop();
});

describe('persisted documents', () => {
  it('answers a registered document sent by its hash alone', async () => {
    const router = await routerWith({ PERSISTED_DOCUMENTS: dir });
    const answer = await byHash(router.url, REGISTERED, { token: await tokenFor(alice.id) });
    expect(answer).toMatchObject({ status: 200, data: { me: { name: alice.name } } });
  });

  it('shares a hash one router learned with every router on the same Redis', async () => {
    const [first, second] = [await routerWith({ REDIS_URL }), await routerWith({ REDIS_URL })];
    // A document no one has sent before, so neither router can know it yet.
    const document = `query Fresh${randomUUID().replaceAll('-', '')} { __typename }`;
    expect((await byHash(second.url, document)).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');

    expect(await byHash(first.url, document, { withDocument: true })).toMatchObject({ status: 200, data: { __typename: 'Query' } });
    await expect.poll(async () => (await byHash(second.url, document)).data, { timeout: 5_000 }).toEqual({ __typename: 'Query' });
  });

  describe('with PERSISTED_DOCUMENTS_ONLY', () => {
    let router: Router;
    const bus = new PubSub();
    beforeAll(async () => {
      router = await routerWith({ PERSISTED_DOCUMENTS: manifest, PERSISTED_DOCUMENTS_ONLY: 'true' }, { eventSource: pubSubEventSource(bus, createLogger('test', 'silent')) });
    });

    it('runs registered documents, sent whole or by hash', async () => {
      const token = await tokenFor(alice.id);
      expect(await graphql(router.url, REGISTERED, {}, { token })).toMatchObject({ status: 200, data: { me: { name: alice.name } } });
      expect(await byHash(router.url, REGISTERED, { token })).toMatchObject({ status: 200, data: { me: { name: alice.name } } });
    });

    it('refuses any other document over HTTP with 400 and OPERATION_NOT_REGISTERED, and learns none', async () => {
      const other = 'query MyEmail { me { email } }';
      const refused = await graphql(router.url, other, {}, { token: await tokenFor(alice.id) });
      expect(refused.status).toBe(400);
      expect(refused.data).toBeUndefined();
      expect(refused.errors).toEqual([expect.objectContaining({ extensions: { code: 'OPERATION_NOT_REGISTERED' } })]);

      // Registering it the persisted-query way does not let it in either.
      expect((await byHash(router.url, other, { withDocument: true })).errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_REGISTERED');
      expect((await byHash(router.url, other)).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    });

    it('refuses other documents over WebSockets too, and subscribes registered ones', async () => {
      const client = wsClient(router.url, await tokenFor(alice.id));
      try {
        const refused = subscribe(client, 'subscription { noteCreated { id } }');
        await expect.poll(() => refused.error(), { timeout: 5_000 }).toEqual([expect.objectContaining({ extensions: { code: 'OPERATION_NOT_REGISTERED' } })]);
        const refusedQuery = subscribe(client, '{ __typename }');
        await expect.poll(() => refusedQuery.error(), { timeout: 5_000 }).toEqual([expect.objectContaining({ extensions: { code: 'OPERATION_NOT_REGISTERED' } })]);

        // Its events are looked up with documents the router writes itself, which no client registered.
        const accepted = subscribe(client, REGISTERED_SUBSCRIPTION);
        await expect.poll(() => router.subscriptions?.subscriberCount ?? 0, { timeout: 5_000 }).toBeGreaterThan(0);
        await router.subscriptions!.ready();
        const note = await stack.notes.db.note.create({ data: { authorId: alice.id, title: 'registered', content: '.' } });
        await bus.publish('note.created', createEvent({ type: 'note.created', aggregateType: 'Note', aggregateId: note.id, aggregateVersion: 1, data: { noteId: note.id, authorId: alice.id } }, { actorId: alice.id, correlationId: null }));
        expect(await accepted.nth(1)).toMatchObject({ data: { noteCreated: { title: 'registered' } } });
        accepted.dispose();
      } finally {
        await client.dispose();
      }
    });
  });

  it('will not start on a list whose key is not its document’s hash, naming it', async () => {
    const wrong = path.join(dir, 'wrong', 'list.json');
    await (await import('node:fs/promises')).mkdir(path.dirname(wrong), { recursive: true });
    await writeFile(wrong, JSON.stringify({ [sha256('{ a }')]: '{ b }' }));
    await expect(routerWith({ PERSISTED_DOCUMENTS: wrong })).rejects.toThrow(`${wrong}: "${sha256('{ a }')}" is not the SHA-256 of its document`);
  });
});
