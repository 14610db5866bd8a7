import { randomBytes } from 'node:crypto';
import type { ConfirmChannel, Options } from 'amqplib';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import { createEvent, historyKeys, type EventEnvelope, type PositionedEvent } from '@supergraph/common';
import { connectRabbitMQ, RABBITMQ_URL } from '../../test/kit/rabbitmq.ts';
import { connectRedis, REDIS_URL } from '../../test/kit/redis.ts';
import { waitFor } from '../../test/kit/waitFor.ts';
import { bridgeTopology, loadBridgeConfig, startBridge, type Bridge } from '../src/index.ts';

/**
 * Settings for a bridge of its own: exchange, queue, dedupe keys and Redis
 * channels are unique, so test files running side by side (and the routers
 * of other tests listening on the plain event-type channels) never see each
 * other's events.
 */
export function isolatedBridgeEnv(overrides: NodeJS.ProcessEnv = {}) {
  const id = randomBytes(4).toString('hex');
  return {
    AMQP_URL: RABBITMQ_URL,
    REDIS_URL,
    BRIDGE_PORT: '0',
    BRIDGE_EXCHANGE: `test.events.${id}`,
    BRIDGE_QUEUE: `test.bridge.${id}`,
    BRIDGE_DEDUPE_PREFIX: `test:${id}:dedupe:`,
    BRIDGE_CHANNEL_PREFIX: `test.${id}.`,
    ...overrides,
  };
}

export type BridgeEnv = ReturnType<typeof isolatedBridgeEnv>;

export const bridgeFor = (env: BridgeEnv) => startBridge(loadBridgeConfig({ ...process.env, ...env }));

export async function getHealth(bridge: Bridge) {
  const response = await fetch(`${bridge.url}/health`);
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

/** Resolves once the bridge consumes its queue (so the topology exists) and reaches Redis. */
export const untilHealthy = (bridge: Bridge) => waitFor('the bridge to report healthy', async () => (await getHealth(bridge)).status === 200);

/** An envelope of `type`; the bridge forwards any well-formed one, whoever declared it. */
export const sampleEvent = (type = 'note.created'): EventEnvelope =>
  createEvent(
    { type, aggregateType: 'Note', aggregateId: randomBytes(6).toString('hex'), aggregateVersion: 1, data: { noteId: 'n1', authorId: 'u1' } },
    { actorId: 'u1', correlationId: 'test' },
  );

/** RabbitMQ as the outbox relays use it: publish with confirms; plus queue inspection and clean-up. */
export async function openBroker() {
  const connection = await connectRabbitMQ();
  const channel: ConfirmChannel = await connection.createConfirmChannel();
  return {
    channel,
    async publish(exchange: string, routingKey: string, body: string | object, options: Options.Publish = {}) {
      const content = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      channel.publish(exchange, routingKey, content, { persistent: true, contentType: 'application/json', ...options });
      await channel.waitForConfirms();
    },
    /** The next message of a queue, waiting for one to arrive. */
    nextMessage: (queue: string) => waitFor(`a message in ${queue}`, () => channel.get(queue, { noAck: true })),
    async readyCount(queue: string) {
      return (await channel.checkQueue(queue)).messageCount;
    },
    async deleteTopology(env: BridgeEnv) {
      const topology = bridgeTopology(env.BRIDGE_EXCHANGE, env.BRIDGE_QUEUE);
      await channel.deleteQueue(topology.queue);
      await channel.deleteQueue(topology.deadLetterQueue);
      await channel.deleteExchange(topology.exchange);
      await channel.deleteExchange(topology.deadLetterExchange);
    },
    close: () => connection.close(),
  };
}

export type Broker = Awaited<ReturnType<typeof openBroker>>;

/**
 * A router's view of Redis: a RedisPubSub subscribed to every channel under
 * the bridge's prefix (so to every event type, declared by whichever
 * producer), the events with their history positions, plus the raw
 * messages as they were on the wire.
 */
export async function listenToEvents(env: BridgeEnv) {
  const subscriber = await connectRedis();
  const pubsub = new RedisPubSub({ publisher: await connectRedis(), subscriber });
  const events: EventEnvelope[] = [];
  const positions = new Map<string, string>();
  const raw: { channel: string; message: string }[] = [];
  subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => raw.push({ channel, message }));
  await pubsub.subscribe<PositionedEvent>(
    `${env.BRIDGE_CHANNEL_PREFIX}*`,
    ({ position, event }) => {
      positions.set(event.id, position);
      events.push(event);
    },
    { pattern: true },
  );
  const copiesOf = (id: string) => events.filter((event) => event.id === id);
  return {
    events,
    positions,
    raw,
    copiesOf,
    /** Waits until the event has arrived and returns it. */
    arrival: (id: string) => waitFor(`event ${id} on Redis`, () => copiesOf(id)[0]),
    close: () => pubsub.close(),
  };
}

/** Drops the dedupe keys and the history a test bridge left in Redis. */
export async function deleteDedupeKeys(env: BridgeEnv) {
  const redis = await connectRedis();
  try {
    const history = historyKeys(env.BRIDGE_CHANNEL_PREFIX);
    const keys = [
      ...(await redis.keys(`${env.BRIDGE_DEDUPE_PREFIX}*`)),
      ...(await redis.keys(history.stream('*'))),
      history.lastPosition,
    ];
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
