import type { MemoryEventHistory, PositionedEvent } from '@supergraph/common';
import type { EventSink } from './eventSink.ts';

export interface MemoryEventSinkOptions {
  /**
   * Where events are kept, with their positions, for subscribers to replay
   * and resume from; it also remembers the ids, to drop duplicates.
   */
  history: MemoryEventHistory;
  /**
   * Hands an event to in-process subscribers the first time its id is seen,
   * e.g. `(positioned) => void pubsub.publish(positioned.event.type, positioned)`.
   * Called synchronously right after the event is appended to the history,
   * so append and publish are one step, as the Lua script makes them in
   * Redis; if it throws, the append is undone so a retry can publish.
   */
  publish: (positioned: PositionedEvent) => void;
}

/** The embedded mode's sink: one process, so the history lives in memory. */
export function createMemoryEventSink(options: MemoryEventSinkOptions): EventSink {
  const { history, publish } = options;
  if (typeof publish !== 'function') throw new TypeError(`createMemoryEventSink: publish must be a function, got ${String(publish)}`);
  if (typeof history?.appendOnce !== 'function') throw new TypeError(`createMemoryEventSink: history must be a MemoryEventHistory, got ${String(history)}`);
  return {
    async publishOnce(event) {
      const positioned = history.appendOnce(event);
      if (!positioned) return false;
      try {
        publish(positioned);
      } catch (error) {
        history.forget(event);
        throw error;
      }
      return true;
    },
  };
}
