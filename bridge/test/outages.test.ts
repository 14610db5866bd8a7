import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RABBITMQ_URL } from '../../test/kit/rabbitmq.ts';
import { REDIS_URL } from '../../test/kit/redis.ts';
import { startTcpProxy, type TcpProxy } from '../../test/kit/tcpProxy.ts';
import { waitFor } from '../../test/kit/waitFor.ts';
import type { Bridge } from '../src/index.ts';
import {
  bridgeFor,
  deleteDedupeKeys,
  getHealth,
  isolatedBridgeEnv,
  listenToEvents,
  openBroker,
  sampleEvent,
  untilHealthy,
  type BridgeEnv,
  type Broker,
} from './bridgeTestKit.ts';

let broker: Broker;
let proxy: TcpProxy | undefined;
const bridges: Bridge[] = [];
const envs: BridgeEnv[] = [];
const listeners: { close(): Promise<unknown> }[] = [];

beforeAll(async () => {
  broker = await openBroker();
});

afterEach(async () => {
  await Promise.all(bridges.splice(0).map((bridge) => bridge.stop()));
  await Promise.all(listeners.splice(0).map((listener) => listener.close()));
  await proxy?.stop();
  proxy = undefined;
  for (const env of envs.splice(0)) {
    await broker.deleteTopology(env);
    await deleteDedupeKeys(env);
  }
});

afterAll(() => broker?.close());

/** An isolated bridge whose connection to one service runs through a proxy the test can cut. */
async function bridgeBehindProxy(service: 'redis' | 'rabbitmq') {
  const target = new URL(service === 'redis' ? REDIS_URL : RABBITMQ_URL);
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
  target.host = `${proxy.host}:${proxy.port}`;
  const env = isolatedBridgeEnv(service === 'redis' ? { REDIS_URL: target.toString() } : { AMQP_URL: target.toString() });
  return { env, proxy, ...(await startIsolated(env)) };
}

async function startIsolated(env: BridgeEnv) {
  envs.push(env);
  const listener = await listenToEvents(env);
  listeners.push(listener);
  const bridge = await bridgeFor(env);
  bridges.push(bridge);
  await untilHealthy(bridge);
  return { bridge, listener };
}

describe('when Redis is unavailable', () => {
  it('reports Redis disconnected on /health with 503', async () => {
    const { bridge, proxy } = await bridgeBehindProxy('redis');
    proxy.block();
    const health = await waitFor('/health to report Redis down', async () => {
      const current = await getHealth(bridge);
      return current.status === 503 && current;
    });
    expect(health.body).toEqual({ status: 'unavailable', service: 'bridge', rabbitmq: 'connected', redis: 'disconnected' });
    const ready = await waitFor('/health/ready to name Redis down', async () => {
      const response = await fetch(`${bridge.url}/health/ready`);
      return response.status === 503 && ((await response.json()) as Record<string, unknown>);
    });
    expect(ready).toEqual({ status: 'unavailable', service: 'bridge', dependencies: { rabbitmq: 'up', redis: 'down' } });
  });

  it.each(['refuse', 'hang'] as const)('retries an event with backoff while Redis connections %s, then delivers it once', async (mode) => {
    const { env, bridge, listener, proxy } = await bridgeBehindProxy('redis');
    proxy.block(mode);
    await waitFor('/health to report Redis down', async () => (await getHealth(bridge)).status === 503);
    const event = sampleEvent();
    await broker.publish(env.BRIDGE_EXCHANGE, event.type, event);

    await waitFor('the bridge to retry twice', async () => (await bridge.metrics.counts()).retries >= 2);
    expect(listener.copiesOf(event.id)).toEqual([]);

    proxy.unblock();
    expect(await listener.arrival(event.id)).toEqual(event);
    await expect.poll(() => bridge.metrics.counts()).toMatchObject({ delivered: 1, duplicates: 0, deadLettered: 0 });
    expect(listener.copiesOf(event.id)).toHaveLength(1);
  });

  it('never acks an event it could not publish: stopped during the outage, the event stays queued for the next bridge', async () => {
    const { env, bridge, proxy } = await bridgeBehindProxy('redis');
    proxy.block();
    const event = sampleEvent();
    await broker.publish(env.BRIDGE_EXCHANGE, event.type, event);
    await waitFor('the bridge to retry', async () => (await bridge.metrics.counts()).retries >= 1);

    await bridge.stop();
    await expect.poll(() => broker.readyCount(env.BRIDGE_QUEUE)).toBe(1);

    const { listener } = await startIsolated({ ...env, REDIS_URL });
    expect(await listener.arrival(event.id)).toEqual(event);
    await expect.poll(() => broker.readyCount(env.BRIDGE_QUEUE)).toBe(0);
  });
});

describe('when RabbitMQ drops the connection or the queue', () => {
  it('reconnects, consumes again and delivers the events published meanwhile', async () => {
    const { env, bridge, listener, proxy } = await bridgeBehindProxy('rabbitmq');
    proxy.block();
    await waitFor('/health to report RabbitMQ down', async () => (await getHealth(bridge)).body.rabbitmq === 'disconnected');
    const event = sampleEvent('order.cancelled');
    await broker.publish(env.BRIDGE_EXCHANGE, event.type, event);

    proxy.unblock();
    expect(await listener.arrival(event.id)).toEqual(event);
    expect(await getHealth(bridge)).toMatchObject({ status: 200 });
  });

  it('declares its queue again and resumes consuming when the queue is deleted under it', async () => {
    const env = isolatedBridgeEnv();
    const { bridge, listener } = await startIsolated(env);
    await broker.channel.deleteQueue(env.BRIDGE_QUEUE);
    await waitFor('/health to report RabbitMQ down', async () => (await getHealth(bridge)).body.rabbitmq === 'disconnected');

    await untilHealthy(bridge);
    const event = sampleEvent();
    await broker.publish(env.BRIDGE_EXCHANGE, event.type, event);
    expect(await listener.arrival(event.id)).toEqual(event);
  });
});
