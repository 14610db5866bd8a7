import { randomBytes } from 'node:crypto';
import { PubSub } from 'graphql-subscriptions';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryEventSink, createRedisEventSink, type EventSink } from '@supergraph/bridge';
import { createEvent, createLogger, MemoryEventHistory, type EventEnvelope } from '@supergraph/common';
import { EventsExpiredError, memoryEventSource, redisEventSource, type EventSource } from '@supergraph/router';
import { connectRedis, REDIS_URL } from '../../test/kit/redis.ts';
import { waitFor } from '../../test/kit/waitFor.ts';

const logger = createLogger('test', 'silent');
let redis: Redis;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  redis = await connectRedis();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(() => redis?.disconnect());

interface Events {
  sink: EventSink;
  source: EventSource;
  /** Milliseconds on the clock the history's positions are taken from. */
  clockMs: () => Promise<number>;
}

/** The full stack's history: the bridge's script into Redis streams, read by the router's Redis source. */
async function redisEvents(retentionMs: number): Promise<Events> {
  const prefix = `test:resume:${randomBytes(4).toString('hex')}:`;
  const dedupePrefix = `${prefix}dedupe:`;
  const sink = createRedisEventSink(redis, { channelPrefix: prefix, dedupeKeyPrefix: dedupePrefix, historyRetentionMs: retentionMs });
  const source = redisEventSource({ url: REDIS_URL, channelPrefix: prefix, dedupePrefix, logger });
  cleanups.push(async () => {
    await source.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  });
  return {
    sink,
    source,
    clockMs: async () => {
      const [seconds, micros] = await redis.time();
      return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    },
  };
}

/** `npm start`'s history: the bridge's memory sink into a MemoryEventHistory, read by the router's memory source. */
async function memoryEvents(retentionMs: number): Promise<Events> {
  const pubsub = new PubSub();
  const history = new MemoryEventHistory({ retentionMs });
  const sink = createMemoryEventSink({ history, publish: (positioned) => void pubsub.publish(positioned.event.type, positioned) });
  return { sink, source: memoryEventSource(pubsub, history, logger), clockMs: async () => Date.now() };
}

const event = (type: string): EventEnvelope =>
  createEvent({ type, aggregateType: 'Thing', aggregateId: randomBytes(6).toString('hex'), aggregateVersion: 1, data: {} }, { actorId: null, correlationId: null });

async function publishAll(sink: EventSink, types: string[]): Promise<EventEnvelope[]> {
  const events = types.map(event);
  for (const published of events) expect(await sink.publishOnce(published)).toBe(true);
  return events;
}

const HOUR = 3_600_000;

describe.each([
  ['Redis', redisEvents],
  ['memory', memoryEvents],
])('the event history (%s)', (_name, start) => {
  it('returns the events of the given types after the given event, in the order they were published across types', async () => {
    const { sink, source } = await start(HOUR);
    const [first, second, third, , fifth] = await publishAll(sink, ['note.created', 'order.placed', 'note.created', 'user.registered', 'order.placed']);

    expect(await source.history(['note.created', 'order.placed'], first!.id)).toEqual([second, third, fifth]);
    expect(await source.history(['user.registered'], fifth!.id)).toEqual([]);
  });

  it('returns the events after an event of a type not asked for', async () => {
    const { sink, source } = await start(HOUR);
    const [, registered, created] = await publishAll(sink, ['note.created', 'user.registered', 'note.created']);

    expect(await source.history(['note.created'], registered!.id)).toEqual([created]);
  });

  it('throws EventsExpiredError for an event id it does not know', async () => {
    const { source } = await start(HOUR);
    const unknown = event('note.created').id;

    await expect(source.history(['note.created'], unknown)).rejects.toThrow(EventsExpiredError);
    await expect(source.history(['note.created'], unknown)).rejects.toMatchObject({ code: 'EVENTS_EXPIRED', afterEventId: unknown });
  });

  it('throws EventsExpiredError when events after the given one were dropped by retention, and serves what is whole', async () => {
    const retentionMs = 50;
    const { sink, source, clockMs } = await start(retentionMs);
    const [old, alsoOld] = await publishAll(sink, ['note.created', 'note.created']);
    const oldAt = await clockMs();
    await waitFor('the retention to pass', async () => (await clockMs()) > oldAt + retentionMs);
    const [recent, later] = await publishAll(sink, ['note.created', 'note.created']);

    await expect(source.history(['note.created'], old!.id)).rejects.toThrow(EventsExpiredError);
    await expect(source.history(['note.created'], alsoOld!.id)).rejects.toThrow(EventsExpiredError);
    // Nothing of order.placed was dropped: its history after the old event is whole (and empty).
    expect(await source.history(['order.placed'], old!.id)).toEqual([]);
    expect(await source.history(['note.created'], recent!.id)).toEqual([later]);
  });

  it('delivers live events of a subscribed type once each, in order', async () => {
    const { sink, source } = await start(HOUR);
    const received: EventEnvelope[] = [];
    const unsubscribe = await source.subscribe('order.placed', (delivered) => received.push(delivered));
    const published = await publishAll(sink, ['order.placed', 'note.created', 'order.placed']);

    await waitFor('both order events', () => received.length >= 2);
    expect(received).toEqual([published[0], published[2]]);
    unsubscribe();
  });
});
