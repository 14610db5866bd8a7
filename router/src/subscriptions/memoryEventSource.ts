import type { PubSubEngine } from 'graphql-subscriptions';
import { positionedEventSchema, type Logger, type MemoryEventHistory } from '@supergraph/common';
import { readHistory } from './eventHistory.ts';
import type { EventSource } from './eventSource.ts';

/**
 * The embedded mode's event source: live events from an in-process
 * pub/sub (as `{ position, event }`, what the bridge's memory sink
 * publishes), history from the same `MemoryEventHistory` the sink appends
 * to. One process, no connection to lose, so nothing to replay: only
 * clients resume, through `history()`, with the retention and expiry of
 * the Redis history.
 */
export function memoryEventSource(engine: PubSubEngine, history: MemoryEventHistory, logger: Logger): EventSource {
  return {
    async subscribe(type, onEvent) {
      const id = await engine.subscribe(
        type,
        (message: unknown) => {
          const parsed = positionedEventSchema.safeParse(message);
          if (parsed.success) onEvent(parsed.data.event);
          else logger.warn({ type, issues: parsed.error.issues }, 'dropped a malformed event');
        },
        {},
      );
      return () => engine.unsubscribe(id);
    },
    history: (types, afterEventId) =>
      readHistory(
        {
          positionOf: async (eventId) => history.positionOf(eventId),
          readAfter: async (type, position) => history.readAfter(type, position),
        },
        types,
        afterEventId,
      ),
    close: async () => {},
  };
}
