import type { Redis } from 'ioredis';
import { comparePositions, eventEnvelopeSchema, historyKeys, POSITION_PATTERN, START_POSITION, type EventEnvelope, type Logger, type PositionedEvent } from '@supergraph/common';
import type { EventHistoryReader } from './eventHistory.ts';

/** Entries read per round trip, so a long history never comes back as one huge reply. */
const PAGE_SIZE = 500;

export interface RedisEventHistory extends EventHistoryReader {
  /** The last position the bridge gave out; `0-0` before any. */
  lastPosition(): Promise<string>;
}

/**
 * Reads the history the bridge's script writes: one stream per type
 * (`<prefix>history:<type>`), the dedupe keys holding each event's stream id.
 * `redis` must be a connection not in subscriber mode.
 */
export function redisEventHistory(redis: Redis, options: { channelPrefix: string; dedupePrefix: string; logger: Logger }): RedisEventHistory {
  const { channelPrefix, dedupePrefix, logger } = options;
  const keys = historyKeys(channelPrefix);
  return {
    async lastPosition() {
      const position = await redis.get(keys.lastPosition);
      return position !== null && POSITION_PATTERN.test(position) ? position : START_POSITION;
    },

    async positionOf(eventId) {
      const position = await redis.get(`${dedupePrefix}${eventId}`);
      // Ids remembered before the history existed hold "1", not a position.
      return position !== null && POSITION_PATTERN.test(position) ? position : undefined;
    },

    async readAfter(type, position) {
      const stream = keys.stream(type);
      const events: PositionedEvent[] = [];
      let cursor = position;
      for (;;) {
        // Read with each page, in one transaction: trimming that reached past
        // the cursor (the bridge records how far it trimmed) means events after it are gone.
        const page = await redis.multi().hget(keys.trimmedBefore, type).xrange(stream, `(${cursor}`, '+', 'COUNT', PAGE_SIZE).exec();
        const [[trimmedError, trimmedBefore], [rangeError, entries]] = page as [[Error | null, string | null], [Error | null, [string, string[]][]]];
        if (trimmedError) throw trimmedError;
        if (rangeError) throw rangeError;
        if (trimmedBefore && comparePositions(cursor, trimmedBefore) < 0) return { events, expired: true };
        for (const [id, fields] of entries) {
          const parsed = parseEntry(fields);
          if (parsed) events.push({ position: id, event: parsed });
          else logger.warn({ type, position: id }, 'dropped a malformed event in the history');
        }
        if (entries.length < PAGE_SIZE) return { events, expired: false };
        cursor = entries.at(-1)![0];
      }
    },
  };
}

function fieldOf(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

/** The envelope in a stream entry's `event` field, or undefined when there is none or it is not valid. */
function parseEntry(fields: string[]): EventEnvelope | undefined {
  const json = fieldOf(fields, 'event');
  if (json === undefined) return undefined;
  try {
    const parsed = eventEnvelopeSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
