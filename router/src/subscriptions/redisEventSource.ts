import { RedisPubSub } from 'graphql-redis-subscriptions';
import { Redis } from 'ioredis';
import type { Logger } from '@supergraph/common';
import { pubSubEventSource, type EventSource } from './eventSource.ts';

/**
 * Events from Redis pub/sub, as the bridge publishes them. A subscriber
 * connection cannot issue other commands, so the publisher is separate.
 * ioredis reconnects on its own and re-subscribes the channels.
 */
export function redisEventSource(url: string, channelPrefix: string, logger: Logger): EventSource {
  const options = { maxRetriesPerRequest: null, retryStrategy: (attempt: number) => Math.min(100 * 2 ** attempt, 5_000) };
  const publisher = new Redis(url, options);
  const subscriber = new Redis(url, options);
  for (const [name, connection] of [['publisher', publisher], ['subscriber', subscriber]] as const) {
    connection.on('error', (error) => logger.warn({ err: error, connection: name }, 'redis connection error'));
  }
  const engine = new RedisPubSub({ publisher, subscriber });
  return pubSubEventSource(engine, logger, {
    channelPrefix,
    close: async () => {
      await engine.close();
    },
  });
}
