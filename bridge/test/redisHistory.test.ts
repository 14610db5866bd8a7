import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { comparePositions, historyKeys, type EventEnvelope } from '@supergraph/common';
import { connectRedis } from '../../test/kit/redis.ts';
import { waitFor } from '../../test/kit/waitFor.ts';
import { createRedisEventSink, type RedisEventSinkOptions } from '../src/index.ts';
import { sampleEvent } from './bridgeTestKit.ts';

let redis: Redis;
let subscriber: Redis;
const prefixes: string[] = [];

beforeAll(async () => {
  redis = await connectRedis();
  subscriber = await connectRedis();
});

afterEach(async () => {
  for (const prefix of prefixes.splice(0)) {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  }
});

afterAll(() => {
  redis?.disconnect();
  subscriber?.disconnect();
});

/** A sink on keys and channels of its own, and what it published live. */
async function isolatedSink(options: RedisEventSinkOptions = {}) {
  const prefix = `test:history:${randomBytes(4).toString('hex')}:`;
  prefixes.push(prefix);
  const sink = createRedisEventSink(redis, { channelPrefix: prefix, dedupeKeyPrefix: `${prefix}dedupe:`, ...options });
  const live: { channel: string; message: { position: string; event: EventEnvelope } }[] = [];
  subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => {
    if (channel.startsWith(prefix)) live.push({ channel, message: JSON.parse(message) });
  });
  await subscriber.psubscribe(`${prefix}*`);
  const keys = historyKeys(prefix);
  return {
    sink,
    prefix,
    keys,
    live,
    /** The stream of one type as [id, envelope] pairs. */
    stream: async (type: string) =>
      (await redis.xrange(keys.stream(type), '-', '+')).map(([id, fields]) => [id, JSON.parse(fields[1]!)] as [string, EventEnvelope]),
    dedupeValue: (event: EventEnvelope) => redis.get(`${prefix}dedupe:${event.id}`),
  };
}

const serverMs = async () => {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
};

describe('the history the bridge writes with each event', () => {
  it('appends each event to the stream of its type, with ids that order events across types as published', async () => {
    const { sink, stream } = await isolatedSink();
    const types: string[] = ['note.created', 'order.placed', 'note.created', 'user.registered', 'order.placed', 'note.created'];
    const events = types.map((type) => sampleEvent(type));
    for (const event of events) expect(await sink.publishOnce(event)).toBe(true);

    const entries = (await Promise.all(['note.created', 'order.placed', 'user.registered'].map(stream))).flat();
    const merged = entries.sort(([a], [b]) => comparePositions(a, b));
    expect(merged.map(([, event]) => event)).toEqual(events);
    expect(await stream('note.created')).toHaveLength(3);
  });

  it('remembers each event id with its stream id, and publishes that position with the event', async () => {
    const { sink, stream, live, dedupeValue, prefix } = await isolatedSink();
    const event = sampleEvent('note.updated');
    await sink.publishOnce(event);

    const [[id]] = (await stream('note.updated')) as [[string, EventEnvelope]];
    expect(await dedupeValue(event)).toBe(id);
    await waitFor('the live message', () => live.length === 1);
    expect(live).toEqual([{ channel: `${prefix}note.updated`, message: { position: id, event } }]);
  });

  it('neither appends nor publishes an event id seen before', async () => {
    const { sink, stream, live } = await isolatedSink();
    const event = sampleEvent();
    const marker = sampleEvent();
    expect(await sink.publishOnce(event)).toBe(true);
    expect(await sink.publishOnce(event)).toBe(false);
    await sink.publishOnce(marker);

    expect((await stream(event.type)).map(([, entry]) => entry.id)).toEqual([event.id, marker.id]);
    await waitFor('the marker to be published', () => live.some(({ message }) => message.event.id === marker.id));
    expect(live.filter(({ message }) => message.event.id === event.id)).toHaveLength(1);
  });

  it('writes nothing at all when a step fails: no id remembered, no position taken, nothing published', async () => {
    const { sink, keys, live, dedupeValue } = await isolatedSink();
    const first = sampleEvent('order.placed');
    await sink.publishOnce(first);
    const lastBefore = await redis.get(keys.lastPosition);
    // The stream of note.created is not a stream: XADD, the first write, fails.
    await redis.set(keys.stream('note.created'), 'not a stream');
    const event = sampleEvent('note.created');

    await expect(sink.publishOnce(event)).rejects.toThrow(/WRONGTYPE/);
    expect(await dedupeValue(event)).toBeNull();
    expect(await redis.get(keys.lastPosition)).toBe(lastBefore);
    await redis.del(keys.stream('note.created'));
    expect(await sink.publishOnce(event)).toBe(true);
    await waitFor('the retried event to be published', () => live.some(({ message }) => message.event.id === event.id));
    expect(live.map(({ message }) => message.event.id)).toEqual([first.id, event.id]);
  });

  it('keeps ids increasing when the server clock is behind the last id, as Redis does within a millisecond', async () => {
    const { sink, keys, stream } = await isolatedSink();
    const ahead = (await serverMs()) + 3_600_000;
    await redis.set(keys.lastPosition, `${ahead}-7`);
    await sink.publishOnce(sampleEvent('note.created'));
    await sink.publishOnce(sampleEvent('order.placed'));

    expect((await stream('note.created')).map(([id]) => id)).toEqual([`${ahead}-8`]);
    expect((await stream('order.placed')).map(([id]) => id)).toEqual([`${ahead}-9`]);
    expect(await redis.get(keys.lastPosition)).toBe(`${ahead}-9`);
  });

  it('drops from the stream of a type the events older than the retention when it appends the next one', async () => {
    const { sink, keys, stream } = await isolatedSink({ historyRetentionMs: 50 });
    const old = sampleEvent('note.created');
    await sink.publishOnce(old);
    const [[oldId]] = (await stream('note.created')) as [[string, EventEnvelope]];
    const oldMs = Number(oldId.split('-')[0]);
    await waitFor('the retention to pass on the server clock', async () => (await serverMs()) > oldMs + 50);
    const recent = sampleEvent('note.created');
    await sink.publishOnce(recent);

    const [[recentId]] = (await stream('note.created')) as [[string, EventEnvelope]];
    expect((await stream('note.created')).map(([, event]) => event.id)).toEqual([recent.id]);
    // Everything trimmed lies before the start of the retention, which the script records for readers.
    expect(await redis.hget(keys.trimmedBefore, 'note.created')).toBe(`${Number(recentId.split('-')[0]) - 50}-0`);
    expect(await redis.hget(keys.trimmedBefore, 'order.placed')).toBeNull();
  });

  it('caps a stream near its maximum length, whatever the age of its events', async () => {
    const { sink, keys, stream } = await isolatedSink({ historyMaxLength: 10 });
    for (let i = 0; i < 300; i++) await sink.publishOnce(sampleEvent('note.created'));

    // `MAXLEN ~` trims whole stream nodes (100 entries by default), so up to one node more stays.
    const kept = await stream('note.created');
    expect(kept.length).toBeGreaterThanOrEqual(10);
    expect(kept.length).toBeLessThanOrEqual(110);
    // Whatever was cut lies before the first event kept, which the script records for readers.
    expect(await redis.hget(keys.trimmedBefore, 'note.created')).toBe(kept[0]![0]);
  });

  it('refuses a retention longer than ids are remembered, since events are found by their id', () => {
    expect(() => createRedisEventSink(redis, { dedupeTtlSeconds: 60, historyRetentionMs: 61_000 })).toThrow(
      new TypeError(
        'createRedisEventSink: historyRetentionMs (61000) must not exceed dedupeTtlSeconds (60 s): an event is found in the history by its remembered id',
      ),
    );
  });
});
