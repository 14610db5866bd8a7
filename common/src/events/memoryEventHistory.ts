import type { EventEnvelope } from './eventEnvelope.ts';
import { comparePositions, nextPosition, START_POSITION, type PositionedEvent } from './eventPosition.ts';

export interface EventHistoryLimits {
  /** How long an event stays in the history of its type. @default 3_600_000 (60 min) */
  retentionMs?: number;
  /** Most events kept per type, whatever their age: the memory bound. @default 100_000 */
  maxLength?: number;
}

export const DEFAULT_HISTORY_RETENTION_MS = 3_600_000;
export const DEFAULT_HISTORY_MAX_LENGTH = 100_000;

export interface MemoryEventHistoryOptions extends EventHistoryLimits {
  /** How long an event id is remembered (to drop duplicates, and to find its position). @default 86_400_000 (24 h) */
  dedupeTtlMs?: number;
  /** @default Date.now */
  now?: () => number;
}

/** What is retained of one type, after a position. */
export interface HistorySlice {
  events: PositionedEvent[];
  /** Events of the type after the position were dropped by retention: the slice has a gap. */
  expired: boolean;
}

interface TypeHistory {
  entries: PositionedEvent[];
  /** Every entry trimmed away lies before this position (as the bridge records it for Redis). */
  trimmedBefore: string;
}

/**
 * The event history of the embedded mode, in one process: what the bridge's
 * Lua script keeps in Redis (dedupe keys holding positions, one bounded
 * stream per type, positions from one counter), with the same trimming, so
 * `npm start` resumes and expires as the full stack does.
 */
export class MemoryEventHistory {
  private readonly retentionMs: number;
  private readonly maxLength: number;
  private readonly dedupeTtlMs: number;
  private readonly now: () => number;
  private lastPosition = START_POSITION;
  private readonly types = new Map<string, TypeHistory>();
  /**
   * Every id gets the same time to live, so insertion order is expiry order
   * and expired ids are always at the head of the map.
   */
  private readonly positions = new Map<string, { position: string; expiresAt: number }>();

  constructor(options: MemoryEventHistoryOptions = {}) {
    const { retentionMs = DEFAULT_HISTORY_RETENTION_MS, maxLength = DEFAULT_HISTORY_MAX_LENGTH, dedupeTtlMs = 86_400_000, now = Date.now } = options;
    for (const [name, value] of Object.entries({ retentionMs, maxLength, dedupeTtlMs })) {
      if (!Number.isInteger(value) || value < 1) throw new TypeError(`MemoryEventHistory: ${name} must be a positive integer, got ${String(value)}`);
    }
    this.retentionMs = retentionMs;
    this.maxLength = maxLength;
    this.dedupeTtlMs = dedupeTtlMs;
    this.now = now;
  }

  /** Appends an event unless its id was seen; returns it with its position, or undefined for a duplicate. */
  appendOnce(event: EventEnvelope): PositionedEvent | undefined {
    const now = this.now();
    this.forgetExpiredIds(now);
    if (this.positions.has(event.id)) return undefined;
    const position = nextPosition(this.lastPosition, now);
    const positioned = { position, event };
    this.lastPosition = position;
    this.positions.set(event.id, { position, expiresAt: now + this.dedupeTtlMs });
    const history = this.historyOf(event.type);
    history.entries.push(positioned);
    this.trim(history, position);
    return positioned;
  }

  /** Undoes the append of this event (its delivery failed), so that a retry appends it again. */
  forget(event: EventEnvelope): void {
    const known = this.positions.get(event.id);
    if (!known) return;
    this.positions.delete(event.id);
    const entries = this.types.get(event.type)?.entries;
    if (entries?.at(-1)?.position === known.position) entries.pop();
  }

  /** The last position given out; `0-0` before the first event. */
  get last(): string {
    return this.lastPosition;
  }

  /** The position of a remembered event id. */
  positionOf(eventId: string): string | undefined {
    this.forgetExpiredIds(this.now());
    return this.positions.get(eventId)?.position;
  }

  /** The retained events of one type after `position`, oldest first. */
  readAfter(type: string, position: string): HistorySlice {
    const history = this.types.get(type);
    if (!history) return { events: [], expired: false };
    return {
      events: history.entries.filter((entry) => comparePositions(entry.position, position) > 0),
      expired: comparePositions(position, history.trimmedBefore) < 0,
    };
  }

  private historyOf(type: string): TypeHistory {
    let history = this.types.get(type);
    if (!history) {
      history = { entries: [], trimmedBefore: START_POSITION };
      this.types.set(type, history);
    }
    return history;
  }

  /**
   * As the Lua script trims on each append: beyond the length cap, then
   * older than the retention, recording a bound every trimmed entry lies
   * before (the first one kept after the cap, the retention's start).
   */
  private trim(history: TypeHistory, newest: string): void {
    const { entries } = history;
    if (entries.length > this.maxLength) {
      entries.splice(0, entries.length - this.maxLength);
      history.trimmedBefore = later(entries[0]!.position, history.trimmedBefore);
    }
    const minId = `${Math.max(0, Number(newest.split('-')[0]) - this.retentionMs)}-0`;
    let old = 0;
    while (old < entries.length && comparePositions(entries[old]!.position, minId) < 0) old++;
    if (old > 0) {
      entries.splice(0, old);
      history.trimmedBefore = later(minId, history.trimmedBefore);
    }
  }

  private forgetExpiredIds(now: number): void {
    for (const [id, { expiresAt }] of this.positions) {
      if (expiresAt > now) break;
      this.positions.delete(id);
    }
  }
}

const later = (a: string, b: string) => (comparePositions(a, b) > 0 ? a : b);
