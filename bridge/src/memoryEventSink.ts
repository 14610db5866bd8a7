import type { EventEnvelope } from '@supergraph/common';
import type { EventSink } from './eventSink.ts';

export interface MemoryEventSinkOptions {
  /**
   * Hands an event to in-process subscribers the first time its id is seen,
   * e.g. `(event) => void pubsub.publish(event.type, event)`. Called
   * synchronously right after the id is checked, so check and publish are one
   * step, as the Lua script makes them in Redis; if it throws, the id is
   * forgotten again so a retry can publish.
   */
  publish: (event: EventEnvelope) => void;
  /** How long an event id is remembered. @default 86_400_000 (24 h) */
  dedupeTtlMs?: number;
  /** @default Date.now */
  now?: () => number;
}

/** The embedded mode's sink: one process, so the ids it has published live in a map. */
export function createMemoryEventSink(options: MemoryEventSinkOptions): EventSink {
  const { publish, dedupeTtlMs = 86_400_000, now = Date.now } = options;
  if (typeof publish !== 'function') throw new TypeError(`createMemoryEventSink: publish must be a function, got ${String(publish)}`);
  if (!(dedupeTtlMs > 0)) throw new TypeError(`createMemoryEventSink: dedupeTtlMs must be a positive number, got ${String(dedupeTtlMs)}`);
  // Every id gets the same time to live, so insertion order is expiry order
  // and expired ids are always at the head of the map.
  const expiries = new Map<string, number>();

  const forgetExpired = () => {
    for (const [id, expiresAt] of expiries) {
      if (expiresAt > now()) break;
      expiries.delete(id);
    }
  };

  return {
    async publishOnce(event) {
      forgetExpired();
      if (expiries.has(event.id)) return false;
      expiries.set(event.id, now() + dedupeTtlMs);
      try {
        publish(event);
      } catch (error) {
        expiries.delete(event.id);
        throw error;
      }
      return true;
    },
  };
}
