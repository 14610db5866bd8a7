import { ReplyError, type Redis } from 'ioredis';
import { DEFAULT_HISTORY_MAX_LENGTH, DEFAULT_HISTORY_RETENTION_MS, historyKeys } from '@supergraph/common';
import { SinkUnavailableError, type EventSink } from './eventSink.ts';

/**
 * Remembers the event id, appends the event to the history of its type and
 * publishes it, in one step: Redis runs a script atomically, so there is no
 * moment where the id is remembered but the event not yet published (a
 * crash there would drop the event as a "duplicate" forever), nor the
 * reverse (a crash there would publish it twice), nor a published event
 * missing from the history a reconnecting router replays. The first write
 * is XADD, so a failing script has written nothing.
 *
 * Stream ids come from one counter for every type (KEYS[2]), as Redis's own
 * `*` would give them within one stream: the server's millisecond, or the
 * last one with the next sequence number when the clock has not moved past
 * it. So ids order events across types, and a subscription fed by several
 * types replays them in the order they were committed here. TIME is allowed
 * before writes because Redis 7 replicates a script's effects, not the script.
 *
 * The dedupe key holds the event's stream id, which maps an envelope id to
 * its place in the history. The history is trimmed on each append: beyond
 * the length cap approximately (`~`, whole stream nodes, cheap), then older
 * than the retention exactly (MINID). Redis 7.0 does not record what
 * trimming deleted (`max-deleted-entry-id` counts XDEL only), so the script
 * does, in KEYS[4] (type -> position): every trimmed entry lies before it.
 * A reader resuming from a position before it may have lost events.
 *
 * KEYS[1] = dedupe key, KEYS[2] = last position, KEYS[3] = the type's stream,
 * KEYS[4] = trimmed-before hash; ARGV = ttl seconds, channel, envelope JSON,
 * retention ms, max length, type. Returns the stream id when published, nil
 * for a duplicate.
 */
const PUBLISH_ONCE_LUA = `
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local function parse(position)
  local ms, seq = string.match(position or '', '^(%d+)%-(%d+)$')
  if ms then return tonumber(ms), tonumber(seq) end
end
local function later(a, b)
  local aMs, aSeq = parse(a)
  local bMs, bSeq = parse(b)
  if not bMs then return a end
  if aMs > bMs or (aMs == bMs and aSeq > bSeq) then return a end
  return b
end
local time = redis.call('TIME')
local ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local seq = 0
local lastMs, lastSeq = parse(redis.call('GET', KEYS[2]))
if lastMs and lastMs >= ms then
  ms = lastMs
  seq = lastSeq + 1
end
local position = string.format('%.0f-%.0f', ms, seq)
local lengthBefore = redis.call('XLEN', KEYS[3])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], position, 'event', ARGV[3])
local trimmedBefore = redis.call('HGET', KEYS[4], ARGV[6])
if redis.call('XLEN', KEYS[3]) <= lengthBefore then
  trimmedBefore = later(redis.call('XRANGE', KEYS[3], '-', '+', 'COUNT', 1)[1][1], trimmedBefore)
end
local minId = string.format('%.0f-0', math.max(0, ms - tonumber(ARGV[4])))
if redis.call('XTRIM', KEYS[3], 'MINID', minId) > 0 then
  trimmedBefore = later(minId, trimmedBefore)
end
if trimmedBefore then redis.call('HSET', KEYS[4], ARGV[6], trimmedBefore) end
redis.call('SET', KEYS[2], position)
redis.call('SET', KEYS[1], position, 'EX', ARGV[1])
redis.call('PUBLISH', ARGV[2], '{"position":"' .. position .. '","event":' .. ARGV[3] .. '}')
return position
`;

/** Redis replies that mean "not now" rather than "never": the server is starting, busy or failing over. */
const TRANSIENT_REPLY = /^(LOADING|BUSY|TRYAGAIN|MASTERDOWN|CLUSTERDOWN|READONLY|NOREPLICAS|OOM)\b/;

interface PublishOnceCommand {
  bridgePublishOnce(
    dedupeKey: string,
    lastPositionKey: string,
    streamKey: string,
    trimmedBeforeKey: string,
    ttlSeconds: number,
    channel: string,
    message: string,
    retentionMs: number,
    maxLength: number,
    type: string,
  ): Promise<string | null>;
}

export interface RedisEventSinkOptions {
  /** How long an event id is remembered. @default 86400 */
  dedupeTtlSeconds?: number;
  /** @default dedupe: */
  dedupeKeyPrefix?: string;
  /** Prepended to the event type to name the channel, and to the history's keys. @default '' */
  channelPrefix?: string;
  /** How long an event stays in the history of its type; at most `dedupeTtlSeconds`. @default 3_600_000 */
  historyRetentionMs?: number;
  /** Most events kept in the history of one type (approximately). @default 100_000 */
  historyMaxLength?: number;
}

/**
 * Publishes each event to the channel named after its type, as
 * `{"position": <stream id>, "event": <envelope>}` (what routers read
 * through `graphql-redis-subscriptions` for the trigger `event.type`), and
 * appends it to the type's history stream `<prefix>history:<type>`. Give it a
 * client created with `enableOfflineQueue: false` and a `commandTimeout`, so
 * that an unreachable Redis fails fast with `SinkUnavailableError` instead of
 * queueing commands.
 */
export function createRedisEventSink(redis: Redis, options: RedisEventSinkOptions = {}): EventSink {
  const {
    dedupeTtlSeconds = 86_400,
    dedupeKeyPrefix = 'dedupe:',
    channelPrefix = '',
    historyRetentionMs = DEFAULT_HISTORY_RETENTION_MS,
    historyMaxLength = DEFAULT_HISTORY_MAX_LENGTH,
  } = options;
  for (const [name, value] of Object.entries({ dedupeTtlSeconds, historyRetentionMs, historyMaxLength })) {
    if (!Number.isInteger(value) || value < 1) throw new TypeError(`createRedisEventSink: ${name} must be a positive integer, got ${String(value)}`);
  }
  if (historyRetentionMs > dedupeTtlSeconds * 1000) {
    throw new TypeError(
      `createRedisEventSink: historyRetentionMs (${historyRetentionMs}) must not exceed dedupeTtlSeconds (${dedupeTtlSeconds} s): an event is found in the history by its remembered id`,
    );
  }
  const keys = historyKeys(channelPrefix);
  redis.defineCommand('bridgePublishOnce', { numberOfKeys: 4, lua: PUBLISH_ONCE_LUA });
  const client = redis as Redis & PublishOnceCommand;
  return {
    async publishOnce(event) {
      try {
        const position = await client.bridgePublishOnce(
          `${dedupeKeyPrefix}${event.id}`,
          keys.lastPosition,
          keys.stream(event.type),
          keys.trimmedBefore,
          dedupeTtlSeconds,
          `${channelPrefix}${event.type}`,
          JSON.stringify(event),
          historyRetentionMs,
          historyMaxLength,
          event.type,
        );
        return position !== null;
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
