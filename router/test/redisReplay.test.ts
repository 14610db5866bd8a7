import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisEventSink, type EventSink } from '@supergraph/bridge';
import { createEvent, createLogger, type EventEnvelope } from '@supergraph/common';
import { redisEventSource, type EventSource } from '@supergraph/router';
import { connectRedis, REDIS_URL } from '../../test/kit/redis.ts';
import { startTcpProxy, type TcpProxy } from '../../test/kit/tcpProxy.ts';
import { waitFor } from '../../test/kit/waitFor.ts';

const logger = createLogger('test', 'silent');
let redis: Redis;
let prefix: string;
let proxy: TcpProxy;
let sink: EventSink;
let source: EventSource;
/** What the router's listeners received, across the types subscribed. */
let received: EventEnvelope[];

beforeAll(async () => {
  redis = await connectRedis();
});

afterAll(() => redis?.disconnect());

afterEach(async () => {
  await source?.close();
  await proxy?.stop();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
});

/** The bridge writes straight to Redis; the router's source reaches it through a proxy the test cuts. */
async function routerBehindProxy(types: string[]) {
  prefix = `test:replay:${randomBytes(4).toString('hex')}:`;
  const dedupePrefix = `${prefix}dedupe:`;
  const target = new URL(REDIS_URL);
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
  target.host = `${proxy.host}:${proxy.port}`;
  sink = createRedisEventSink(redis, { channelPrefix: prefix, dedupeKeyPrefix: dedupePrefix });
  source = redisEventSource({ url: target.toString(), channelPrefix: prefix, dedupePrefix, logger });
  received = [];
  for (const type of types) await source.subscribe(type, (event) => received.push(event));
}

const event = (type: string): EventEnvelope =>
  createEvent({ type, aggregateType: 'Thing', aggregateId: randomBytes(6).toString('hex'), aggregateVersion: 1, data: {} }, { actorId: null, correlationId: null });

async function publish(types: string[]): Promise<EventEnvelope[]> {
  const events = types.map(event);
  for (const published of events) await sink.publishOnce(published);
  return events;
}

/** Published after everything else, so its arrival means all before it has been handled. */
async function arrivalOfAMarker(type: string): Promise<EventEnvelope> {
  const [marker] = await publish([type]);
  await waitFor('the marker event', () => received.some((delivered) => delivered.id === marker!.id), { timeoutMs: 20_000 });
  return marker!;
}

const ids = (events: EventEnvelope[]) => events.map((delivered) => delivered.id);

describe('when the router loses its Redis connection', () => {
  it('replays the events published meanwhile once it is back, in order across types, then goes on live, none twice', async () => {
    await routerBehindProxy(['note.created', 'order.placed']);
    const before = await publish(['note.created', 'order.placed']);
    await waitFor('the events before the cut', () => received.length === 2);

    proxy.block('refuse');
    const during = await publish(['order.placed', 'note.created', 'user.registered', 'note.created', 'order.placed']);
    proxy.unblock();
    const marker = await arrivalOfAMarker('note.created');
    const after = await publish(['order.placed']);
    await waitFor('the event after the replay', () => received.length === 8);

    const subscribed = (events: EventEnvelope[]) => events.filter((published) => published.type !== 'user.registered');
    expect(ids(received)).toEqual(ids([...before, ...subscribed(during), marker, ...after]));
  });

  it('keeps events published during the replay behind the replayed ones, none twice', async () => {
    await routerBehindProxy(['note.created', 'order.placed']);
    proxy.block('hang');
    const during = await publish(Array.from({ length: 300 }, (_, i): string => (i % 3 === 0 ? 'order.placed' : 'note.created')));
    proxy.unblock();
    // Published while the router reconnects and reads the history: each arrives live, from the replay, or both.
    const racing = await publish(Array.from({ length: 100 }, (_, i): string => (i % 2 === 0 ? 'order.placed' : 'note.created')));
    const marker = await arrivalOfAMarker('order.placed');

    expect(ids(received)).toEqual(ids([...during, ...racing, marker]));
  });

  it('replays again after a second cut during which nothing was delivered', async () => {
    await routerBehindProxy(['note.created']);
    proxy.block('refuse');
    const first = await publish(['note.created', 'note.created']);
    proxy.unblock();
    await waitFor('the first outage replayed', () => received.length === 2, { timeoutMs: 20_000 });
    proxy.block('refuse');
    const second = await publish(['note.created', 'note.created']);
    proxy.unblock();
    const marker = await arrivalOfAMarker('note.created');

    expect(ids(received)).toEqual(ids([...first, ...second, marker]));
  });

  it('logs and drops a live message that is not a positioned event, and carries on', async () => {
    await routerBehindProxy(['note.created']);
    await redis.publish(`${prefix}note.created`, 'not json');
    await redis.publish(`${prefix}note.created`, JSON.stringify(event('note.created')));
    const marker = await arrivalOfAMarker('note.created');

    expect(ids(received)).toEqual([marker.id]);
  });
});
