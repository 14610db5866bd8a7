import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Redis } from 'ioredis';
import { createLogger, mountHealthRoutes, Readiness, serveMetrics } from '@supergraph/common';
import { createBridgeMetrics, type BridgeMetrics } from './bridgeMetrics.ts';
import { bridgeTopology, type BridgeTopology } from './bridgeTopology.ts';
import type { BridgeConfig } from './config.ts';
import { consumeEvents } from './consumeEvents.ts';
import { createRedisEventSink } from './redisEventSink.ts';

/** A Redis command that has not answered by then counts as Redis unavailable, and is retried. */
const REDIS_COMMAND_TIMEOUT_MS = 2_000;

export interface BridgeHealth {
  status: 'ok' | 'unavailable';
  service: 'bridge';
  rabbitmq: 'connected' | 'disconnected';
  redis: 'connected' | 'disconnected';
}

export interface Bridge {
  /** Base URL of `/health` and `/metrics`. */
  url: string;
  port: number;
  topology: BridgeTopology;
  metrics: BridgeMetrics;
  health(): BridgeHealth;
  stop(): Promise<void>;
}

/**
 * Starts the bridge: RabbitMQ queue in, Redis channels out, with `/health`
 * and `/metrics`. It does not wait for RabbitMQ or Redis: both connections
 * are retried in the background and `/health` says which one is missing.
 */
export async function startBridge(config: BridgeConfig): Promise<Bridge> {
  const logger = createLogger('bridge', config.LOG_LEVEL);
  const metrics = createBridgeMetrics();
  const topology = bridgeTopology(config.BRIDGE_EXCHANGE, config.BRIDGE_QUEUE);

  const app = express();
  const httpServer = http.createServer(app);
  app.disable('x-powered-by');
  // The bridge's own /health (its connections by name), answered before the shared routes' alias.
  app.get('/health', (_req, res) => {
    const body = health();
    res.status(body.status === 'ok' ? 200 : 503).json(body);
  });
  const readiness = new Readiness(
    {
      rabbitmq: async () => {
        if (!consumer.isConsuming()) throw new Error('not consuming its queue');
      },
      redis: () => redis.ping(),
    },
    { timeoutMs: config.READINESS_TIMEOUT_MS, cacheMs: config.READINESS_CACHE_MS },
  );
  mountHealthRoutes(app, { service: 'bridge', readiness, logger });
  if (config.METRICS_ENABLED) app.get('/metrics', serveMetrics(metrics.registry, config.METRICS_TOKEN));
  // Listen first: a port clash then fails start-up before any connection is opened.
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.BRIDGE_PORT, config.BRIDGE_HOST, resolve);
  });
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://${config.BRIDGE_HOST === '0.0.0.0' ? '127.0.0.1' : config.BRIDGE_HOST}:${port}`;

  const redis = new Redis(config.REDIS_URL, {
    // Fail commands at once while Redis is away instead of queueing them:
    // the consumer's backoff does the waiting, with the message unacked.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectionName: 'supergraph-bridge',
  });
  let redisDown = false;
  redis.on('ready', () => {
    redisDown = false;
    logger.info('connected to Redis');
  });
  redis.on('error', (err) => {
    // ioredis reports every failed reconnect; one warning per outage is enough.
    if (!redisDown) logger.warn({ err }, 'Redis connection error, reconnecting');
    redisDown = true;
  });

  const consumer = consumeEvents({
    url: config.AMQP_URL,
    topology,
    prefetch: config.BRIDGE_PREFETCH,
    maxAttempts: config.BRIDGE_MAX_ATTEMPTS,
    sink: createRedisEventSink(redis, {
      dedupeTtlSeconds: config.BRIDGE_DEDUPE_TTL_SECONDS,
      dedupeKeyPrefix: config.BRIDGE_DEDUPE_PREFIX,
      channelPrefix: config.BRIDGE_CHANNEL_PREFIX,
      historyRetentionMs: config.BRIDGE_HISTORY_RETENTION_SECONDS * 1000,
      historyMaxLength: config.BRIDGE_HISTORY_MAX_LENGTH,
    }),
    metrics,
    logger,
  });

  function health(): BridgeHealth {
    const rabbitmq = consumer.isConsuming() ? 'connected' : 'disconnected';
    const redisState = redis.status === 'ready' ? 'connected' : 'disconnected';
    const ok = rabbitmq === 'connected' && redisState === 'connected';
    return { status: ok ? 'ok' : 'unavailable', service: 'bridge', rabbitmq, redis: redisState };
  }

  logger.info({ url, queue: topology.queue, exchange: topology.exchange }, 'bridge listening');
  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    topology,
    metrics,
    health,
    stop: () =>
      (stopped ??= (async () => {
        // Consumer first: the message in hand may still need Redis to finish.
        await consumer.stop();
        if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
        else redis.disconnect();
        await new Promise<void>((resolve) => {
          httpServer.close(() => resolve());
          httpServer.closeAllConnections();
        });
        logger.info('bridge stopped');
      })()),
  };
}
