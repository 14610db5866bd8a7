import { afterEach, describe, expect, it } from 'vitest';
import { demoUsers } from '@supergraph/demo';
import { graphql } from '../test/kit/graphql.ts';
import { startPipeline, type Pipeline } from '../test/kit/pipeline.ts';
import { RABBITMQ_URL } from '../test/kit/rabbitmq.ts';
import { REDIS_URL } from '../test/kit/redis.ts';
import { startTcpProxy, type TcpProxy } from '../test/kit/tcpProxy.ts';
import { tokenFor } from '../test/kit/tokens.ts';
import { createNote } from '../test/kit/notes.ts';
import { waitFor } from '../test/kit/waitFor.ts';
import { subscribe, wsClient } from '../test/kit/wsClient.ts';

const [alice] = demoUsers;
let pipeline: Pipeline | undefined;
let proxy: TcpProxy | undefined;

afterEach(async () => {
  await pipeline?.stop();
  await proxy?.stop();
  pipeline = proxy = undefined;
});

const hostPort = (url: string) => ({ host: new URL(url).hostname, port: Number(new URL(url).port) });
const through = (url: string, proxy: TcpProxy) => Object.assign(new URL(url), { port: String(proxy.port) }).toString();

async function subscribedOn(p: Pipeline, count: number) {
  await waitFor('the subscriptions', async () => p.routers[0]!.subscriptions!.subscriberCount >= count && (await p.routers[0]!.subscriptions!.ready(), true));
}


describe('no event is lost while RabbitMQ is unreachable', () => {
  it('delivers all 200 notes created during the outage, none twice, each note in order', async () => {
    proxy = await startTcpProxy(hostPort(RABBITMQ_URL));
    pipeline = await startPipeline({ relayAmqpUrl: through(RABBITMQ_URL, proxy) });
    const router = pipeline.routers[0]!;
    const token = await tokenFor(alice.id);
    const client = wsClient(router.url, token);

    // The note edited during the outage is created before it, and its own event received, so it cannot race the count below.
    const created = subscribe(client, 'subscription { noteCreated { id title } }');
    await subscribedOn(pipeline, 1);
    const edited = await createNote(router.url, token, 'edited during the outage');
    expect((await created.nth(1, 10_000)).data.noteCreated.id).toBe(edited);
    const updates = subscribe(client, 'subscription($id: ID!) { noteUpdated(id: $id) { version } }', { id: edited });
    await subscribedOn(pipeline, 2);

    proxy.block('refuse');
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) ids.push(await createNote(router.url, token, `outage ${i}`));
    for (let version = 1; version <= 10; version++) {
      const response = await graphql(router.url, 'mutation($id: ID!, $v: Int!) { updateNote(id: $id, input: { content: "edit" }, expectedVersion: $v) { version } }', { id: edited, v: version }, { token });
      expect(response.errors).toBeUndefined();
    }
    expect(await pipeline.notes.db.outboxEvent.count({ where: { publishedAt: null } })).toBeGreaterThanOrEqual(210);
    expect(created.results).toHaveLength(1);

    proxy.unblock();
    await created.nth(201, 30_000);
    await updates.nth(10, 30_000);
    expect(created.results.slice(1).map((result) => result.data.noteCreated.id)).toEqual(ids);
    // Each result reads the note as it is now; the event it answers is in extensions.
    expect(updates.results.map((result) => result.extensions.event.aggregateVersion)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    await client.dispose();
  }, 120_000);
});

describe('no event is lost while a router is cut off from Redis', () => {
  it('delivers all 200 notes created during a 10 s cut, in order, none twice', async () => {
    proxy = await startTcpProxy(hostPort(REDIS_URL));
    pipeline = await startPipeline({ routerRedisUrl: through(REDIS_URL, proxy) });
    const router = pipeline.routers[0]!;
    const token = await tokenFor(alice.id);
    const client = wsClient(router.url, token);
    const created = subscribe(client, 'subscription { noteCreated { id } }');
    await subscribedOn(pipeline, 1);
    const before = await createNote(router.url, token, 'before the cut');
    expect((await created.nth(1, 10_000)).data.noteCreated.id).toBe(before);

    proxy.block('refuse');
    const cutAt = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) ids.push(await createNote(router.url, token, `cut ${i}`));
    // The bridge reaches Redis directly: every event is published (and kept in the history) while the router hears nothing.
    await waitFor('the bridge to publish the 200 events to Redis', async () => (await pipeline!.bridge.metrics.counts()).delivered >= 201, { timeoutMs: 60_000 });
    expect(created.results).toHaveLength(1);
    // The cut lasts the 10 s of the scenario however fast the notes were made: ioredis's reconnect backoff grows to its cap meanwhile.
    await waitFor('10 s of cut', () => Date.now() - cutAt >= 10_000, { timeoutMs: 15_000, intervalMs: 100 });

    proxy.unblock();
    await created.nth(201, 60_000);
    // A sentinel created after the replay: a duplicate of any replayed event would arrive before it.
    const sentinel = await createNote(router.url, token, 'after the cut');
    await created.nth(202, 30_000);
    expect(created.results.map((result) => result.data.noteCreated.id)).toEqual([before, ...ids, sentinel]);
    await client.dispose();
  }, 180_000);
});

describe('Redis restarts', () => {
  it('reconnects the bridge and routers on their own; events of the outage are delivered once each, in order', async () => {
    proxy = await startTcpProxy(hostPort(REDIS_URL));
    pipeline = await startPipeline({ redisUrl: through(REDIS_URL, proxy) });
    const router = pipeline.routers[0]!;
    const token = await tokenFor(alice.id);
    const client = wsClient(router.url, token);
    const sub = subscribe(client, 'subscription { noteCreated { title } }');
    await subscribedOn(pipeline, 1);

    proxy.block('refuse');
    const duringOutage = [];
    for (let i = 0; i < 5; i++) duringOutage.push(`during ${i}`);
    for (const title of duringOutage) await createNote(router.url, token, title);
    proxy.unblock();

    // The bridge holds the events (unacked) until Redis is back and publishes
    // each once; whoever reconnects first, the router hears them live or
    // replays them from the history.
    await createNote(router.url, token, 'after');
    await sub.nth(6, 30_000);
    expect(sub.results.map((result) => result.data.noteCreated.title)).toEqual([...duringOutage, 'after']);
    await client.dispose();
  }, 60_000);
});
