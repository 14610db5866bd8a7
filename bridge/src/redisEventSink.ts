import { ReplyError, type Redis } from 'ioredis';
import { SinkUnavailableError, type EventSink } from './eventSink.ts';

/**
 * Remembers the event id and publishes in one step: Redis runs a script
 * atomically, so there is no moment where the id is remembered but the event
 * not yet published (a crash there would drop the event as a "duplicate"
 * forever), nor the reverse (a crash there would publish it twice).
 * KEYS[1] = dedupe key, ARGV = ttl seconds, channel, message; returns 1 if published.
 */
const PUBLISH_ONCE_LUA = `
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  redis.call('PUBLISH', ARGV[2], ARGV[3])
  return 1
end
return 0
`;

/** Redis replies that mean "not now" rather than "never": the server is starting, busy or failing over. */
const TRANSIENT_REPLY = /^(LOADING|BUSY|TRYAGAIN|MASTERDOWN|CLUSTERDOWN|READONLY|NOREPLICAS|OOM)\b/;

interface PublishOnceCommand {
  bridgePublishOnce(dedupeKey: string, ttlSeconds: number, channel: string, message: string): Promise<number>;
}

export interface RedisEventSinkOptions {
  /** How long an event id is remembered. @default 86400 */
  dedupeTtlSeconds?: number;
  /** @default dedupe: */
  dedupeKeyPrefix?: string;
  /** Prepended to the event type to name the channel. @default '' */
  channelPrefix?: string;
}

/**
 * Publishes each event to the channel named after its type, as the JSON of
 * the envelope: what a `graphql-redis-subscriptions` RedisPubSub subscriber
 * reads for the trigger `event.type`. Give it a client created with
 * `enableOfflineQueue: false` and a `commandTimeout`, so that an unreachable
 * Redis fails fast with `SinkUnavailableError` instead of queueing commands.
 */
export function createRedisEventSink(redis: Redis, options: RedisEventSinkOptions = {}): EventSink {
  const { dedupeTtlSeconds = 86_400, dedupeKeyPrefix = 'dedupe:', channelPrefix = '' } = options;
  if (!Number.isInteger(dedupeTtlSeconds) || dedupeTtlSeconds < 1) {
    throw new TypeError(`createRedisEventSink: dedupeTtlSeconds must be a positive integer, got ${String(dedupeTtlSeconds)}`);
  }
  redis.defineCommand('bridgePublishOnce', { numberOfKeys: 1, lua: PUBLISH_ONCE_LUA });
  const client = redis as Redis & PublishOnceCommand;
  return {
    async publishOnce(event) {
      try {
        const published = await client.bridgePublishOnce(
          `${dedupeKeyPrefix}${event.id}`,
          dedupeTtlSeconds,
          `${channelPrefix}${event.type}`,
          JSON.stringify(event),
        );
        return published === 1;
      } catch (error) {
        if (isUnavailable(error)) throw new SinkUnavailableError(`Redis unavailable: ${(error as Error).message}`, { cause: error });
        throw error;
      }
    },
  };
}

/**
 * Anything but a reply from the server is about reaching it (connection
 * closed, not writable, timed out); a reply is a refusal unless it says the
 * server is temporarily unable.
 */
function isUnavailable(error: unknown): boolean {
  if (!(error instanceof ReplyError)) return true;
  return TRANSIENT_REPLY.test((error as Error).message);
}
