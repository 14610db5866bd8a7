import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../test/kit/waitFor.ts';
import { DEAD_LETTER_REASON_HEADER, ORIGINAL_EXCHANGE_HEADER, ORIGINAL_ROUTING_KEY_HEADER, type Bridge } from '../src/index.ts';
import {
  bridgeFor,
  deleteDedupeKeys,
  getHealth,
  isolatedBridgeEnv,
  listenToEvents,
  openBroker,
  sampleEvent,
  untilHealthy,
  type Broker,
} from './bridgeTestKit.ts';

const env = isolatedBridgeEnv();
let broker: Broker;
let listener: Awaited<ReturnType<typeof listenToEvents>>;
let bridge: Bridge;

beforeAll(async () => {
  broker = await openBroker();
  listener = await listenToEvents(env);
  bridge = await bridgeFor(env);
  await untilHealthy(bridge);
});

afterAll(async () => {
  await bridge?.stop();
  await listener?.close();
  await broker?.deleteTopology(env);
  await broker?.close();
  await deleteDedupeKeys(env);
});

const publishEvent = (event: { type: string } & Record<string, unknown>) => broker.publish(env.BRIDGE_EXCHANGE, event.type, event);

/** Publishes a fresh event and waits for it on Redis: everything the bridge received before it has been handled. */
async function drain() {
  const marker = sampleEvent('user.registered');
  await publishEvent(marker);
  await listener.arrival(marker.id);
}

describe('forwarding', () => {
  it('publishes an event on the Redis channel of its type, as JSON of its history position and envelope that RedisPubSub subscribers read', async () => {
    const before = await bridge.metrics.counts();
    const event = sampleEvent('note.created');
    await publishEvent(event);

    expect(await listener.arrival(event.id)).toEqual(event);
    const wire = listener.raw.find(({ message }) => message.includes(event.id));
    const position = listener.positions.get(event.id);
    expect(position).toMatch(/^\d+-\d+$/);
    expect(wire).toEqual({ channel: `${env.BRIDGE_CHANNEL_PREFIX}note.created`, message: JSON.stringify({ position, event }) });
    await expect.poll(() => bridge.metrics.counts()).toMatchObject({ delivered: before.delivered + 1 });
  });

  it('delivers an event id published twice only once, and counts the duplicate', async () => {
    const before = await bridge.metrics.counts();
    const event = sampleEvent('order.placed');
    await publishEvent(event);
    await publishEvent(event);
    await drain();

    expect(listener.copiesOf(event.id)).toHaveLength(1);
    await expect.poll(() => bridge.metrics.counts()).toMatchObject({ duplicates: before.duplicates + 1, delivered: before.delivered + 2 });
  });
});

describe('dead letters', () => {
  it('moves a body that is not JSON to the dead-letter queue with the reason, its routing key and headers', async () => {
    const before = await bridge.metrics.counts();
    await broker.publish(env.BRIDGE_EXCHANGE, 'note.created', '{oops', { headers: { 'x-producer': 'notes' }, messageId: 'm-1' });

    const dead = await broker.nextMessage(bridge.topology.deadLetterQueue);
    expect(dead.content.toString()).toBe('{oops');
    expect(dead.fields.routingKey).toBe('note.created');
    expect(dead.properties.messageId).toBe('m-1');
    expect(dead.properties.headers).toMatchObject({
      [DEAD_LETTER_REASON_HEADER]: 'body is not JSON',
      [ORIGINAL_EXCHANGE_HEADER]: env.BRIDGE_EXCHANGE,
      [ORIGINAL_ROUTING_KEY_HEADER]: 'note.created',
      'x-producer': 'notes',
    });
    await expect.poll(() => bridge.metrics.counts()).toMatchObject({ deadLettered: before.deadLettered + 1 });
  });

  it.each([
    ['a malformed event type', { type: 'Note Exploded' }, /^type: /],
    ['an unknown schemaVersion', { schemaVersion: 2 }, /^schemaVersion: /],
    ['an id that is not a UUID', { id: 'not-a-uuid' }, /^id: /],
  ])('moves an envelope with %s to the dead-letter queue, naming the bad field', async (_case, change, reason) => {
    await publishEvent({ ...sampleEvent(), ...change });
    const dead = await broker.nextMessage(bridge.topology.deadLetterQueue);
    expect(dead.properties.headers?.[DEAD_LETTER_REASON_HEADER]).toMatch(reason);
  });

  it('keeps delivering valid events published after poison messages, and leaves nothing in the queue', async () => {
    await broker.publish(env.BRIDGE_EXCHANGE, 'note.created', 'not json at all');
    await publishEvent({ ...sampleEvent(), schemaVersion: 99 });
    const event = sampleEvent('note.deleted');
    await publishEvent(event);

    await listener.arrival(event.id);
    expect(await broker.nextMessage(bridge.topology.deadLetterQueue)).toBeTruthy();
    expect(await broker.nextMessage(bridge.topology.deadLetterQueue)).toBeTruthy();
    expect(await broker.readyCount(bridge.topology.queue)).toBe(0);
  });
});

describe('/health and /metrics', () => {
  it('reports both connections on /health', async () => {
    expect(await getHealth(bridge)).toEqual({
      status: 200,
      body: { status: 'ok', service: 'bridge', rabbitmq: 'connected', redis: 'connected' },
    });
  });

  it('answers /health/live, and /health/ready naming RabbitMQ and Redis up', async () => {
    expect((await fetch(`${bridge.url}/health/live`)).status).toBe(200);
    const ready = await fetch(`${bridge.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', service: 'bridge', dependencies: { rabbitmq: 'up', redis: 'up' } });
  });

  it('exposes the counters on /metrics as they move', async () => {
    const scrape = async () => {
      const text = await (await fetch(`${bridge.url}/metrics`)).text();
      const value = (metric: string) => [...text.matchAll(new RegExp(`^${metric}(?:\\{[^}]*\\})? (\\d+)$`, 'gm'))].reduce((sum, match) => sum + Number(match[1]), 0);
      return {
        delivered: value('bridge_events_delivered_total'),
        duplicates: value('bridge_events_duplicate_total'),
        deadLettered: value('bridge_events_dead_lettered_total'),
        retries: value('bridge_publish_retries_total'),
      };
    };
    const before = await scrape();
    expect(before).toEqual(await bridge.metrics.counts());

    await drain();
    await expect.poll(scrape).toEqual({ ...before, delivered: before.delivered + 1 });
  });
});
