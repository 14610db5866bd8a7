import { RedisPubSub } from 'graphql-redis-subscriptions';
import { Redis } from 'ioredis';
import { comparePositions, positionedEventSchema, type EventEnvelope, type Logger, type PositionedEvent } from '@supergraph/common';
import { mergeByPosition, readHistory } from './eventHistory.ts';
import type { EventSource } from './eventSource.ts';
import { redisEventHistory } from './redisEventHistory.ts';

export interface RedisEventSourceOptions {
  url: string;
  /** Prepended to event types to name the channels and the history keys; the bridge's `BRIDGE_CHANNEL_PREFIX`. */
  channelPrefix: string;
  /** Where the bridge remembers event ids and their positions; its `BRIDGE_DEDUPE_PREFIX`. */
  dedupePrefix: string;
  logger: Logger;
}

/** Attempts at one catch-up whose history reads fail while Redis answers, before the gap is accepted (and logged). */
const CATCH_UP_ATTEMPTS = 5;

interface Listener {
  type: string;
  onEvent: (event: EventEnvelope) => void;
  /** The last position this listener was given (or, before any, when it started): where a replay resumes. */
  last: string;
}

/**
 * Events from Redis pub/sub as the bridge publishes them, without a gap
 * when the connection drops. Pub/sub keeps nothing for a subscriber that is
 * away, so each listener remembers the last position it was given; when the
 * subscriber connection is back (ioredis re-subscribes by itself), the
 * events missed meanwhile are read from the history streams and delivered
 * first, in position order across types, then the live messages that came
 * in during that read. A listener is never given a position at or before
 * its last one, so nothing arrives twice.
 *
 * A subscriber connection cannot issue other commands, so history reads
 * (and RedisPubSub's unused publisher) go over a second connection.
 */
export function redisEventSource(options: RedisEventSourceOptions): EventSource {
  const { url, channelPrefix, dedupePrefix, logger } = options;
  const connectionOptions = { maxRetriesPerRequest: null, retryStrategy: (attempt: number) => Math.min(100 * 2 ** attempt, 5_000) };
  const reader = new Redis(url, connectionOptions);
  const subscriber = new Redis(url, connectionOptions);
  for (const [name, connection] of [['reader', reader], ['subscriber', subscriber]] as const) {
    connection.on('error', (error) => logger.warn({ err: error, connection: name }, 'redis connection error'));
  }
  const engine = new RedisPubSub({ publisher: reader, subscriber });
  const history = redisEventHistory(reader, { channelPrefix, dedupePrefix, logger });
  const listeners = new Set<Listener>();
  /** Live messages held back while a catch-up reads the history; null when none runs. */
  let held: { type: string; positioned: PositionedEvent }[] | null = null;
  let catchingUp = false;
  let catchUpAgain = false;
  let closing = false;

  /** Gives an event to the type's listeners that have not had it (nor anything after it). */
  const offer = (type: string, { position, event }: PositionedEvent) => {
    for (const listener of listeners) {
      if (listener.type !== type || comparePositions(position, listener.last) <= 0) continue;
      listener.last = position;
      listener.onEvent(event);
    }
  };

  const onMessage = (type: string) => (message: unknown) => {
    const parsed = positionedEventSchema.safeParse(message);
    if (!parsed.success) return void logger.warn({ type, issues: parsed.error.issues }, 'dropped a malformed event');
    if (held) held.push({ type, positioned: parsed.data });
    else offer(type, parsed.data);
  };

  /** Reads what every listener missed, from its last position on, and delivers it in position order. */
  const replayMissed = async () => {
    // ioredis wrote the re-subscriptions before emitting 'ready' (readyHandler, then
    // setStatus's nextTick), so this PING is answered after them: from here on the
    // channels are heard live, and whatever the history read below misses arrives live.
    await subscriber.ping();
    const from = new Map<string, string>();
    for (const { type, last } of listeners) {
      const known = from.get(type);
      if (known === undefined || comparePositions(last, known) < 0) from.set(type, last);
    }
    const missed = await Promise.all(
      [...from].map(async ([type, position]) => {
        const slice = await history.readAfter(type, position);
        if (slice.expired) logger.error({ type, after: position }, 'events missed while disconnected from Redis are no longer in the history; subscribers have a gap');
        return slice.events.map((positioned) => ({ type, position: positioned.position, positioned }));
      }),
    );
    const ordered = mergeByPosition(missed);
    for (const { type, positioned } of ordered) offer(type, positioned);
    if (ordered.length > 0) logger.info({ events: ordered.length }, 'replayed the events missed while disconnected from Redis');
  };

  /** One catch-up at a time; a reconnect during one makes it run again from where listeners are now. */
  const catchUp = () => {
    if (catchingUp) return void (catchUpAgain = true);
    catchingUp = true;
    held ??= [];
    void (async () => {
      let failures = 0;
      try {
        do {
          catchUpAgain = false;
          try {
            await replayMissed();
          } catch (error) {
            if (closing) return;
            failures++;
            logger.warn({ err: error, failures }, 'could not read the missed events from the Redis history');
            if (failures >= CATCH_UP_ATTEMPTS) {
              logger.error({ err: error }, 'gave up replaying the events missed while disconnected from Redis; subscribers have a gap');
              break;
            }
            catchUpAgain = true;
            await new Promise((resolve) => setTimeout(resolve, Math.min(200 * 2 ** failures, 5_000)));
          }
        } while (catchUpAgain && !closing);
      } finally {
        // Flushed and cleared in one synchronous step: a 'ready' after it starts a new catch-up.
        const pending = held ?? [];
        held = null;
        catchingUp = false;
        for (const { type, positioned } of pending) offer(type, positioned);
      }
    })();
  };

  // 'close' is a drop (messages can only be missed from here): live messages
  // wait behind the next catch-up, which 'ready' starts once ioredis has
  // reconnected and re-subscribed. The first 'ready' catches up too, for
  // listeners that started while the subscriber was still connecting.
  subscriber.on('close', () => {
    if (!closing) held ??= [];
  });
  subscriber.on('ready', () => {
    if (!closing) catchUp();
  });

  return {
    async subscribe(type, onEvent) {
      // Read before subscribing: a replay may then give events from just before
      // the subscription took effect, but never leaves out one after it.
      const listener: Listener = { type, onEvent, last: await history.lastPosition() };
      listeners.add(listener);
      let id: number;
      try {
        id = await engine.subscribe(`${channelPrefix}${type}`, onMessage(type), {});
      } catch (error) {
        listeners.delete(listener);
        throw error;
      }
      return () => {
        listeners.delete(listener);
        engine.unsubscribe(id);
      };
    },
    history: (types, afterEventId) => readHistory(history, types, afterEventId),
    close: async () => {
      closing = true;
      await engine.close();
    },
  };
}
