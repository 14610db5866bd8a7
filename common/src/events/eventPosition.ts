import { z } from 'zod';
import { eventEnvelopeSchema } from './eventEnvelope.ts';

/**
 * Where an event sits in the event history: `<ms>-<seq>`, the form of a
 * Redis stream entry id. Positions are given out from one counter for all
 * event types, so ordering them orders events across types as they were
 * committed to the history.
 */
export const POSITION_PATTERN = /^\d{1,15}-\d{1,15}$/;

/** Before every position ever given out (Redis refuses `0-0` as an entry id too). */
export const START_POSITION = '0-0';

/** What a live subscriber receives: the event and its position in the history. */
export const positionedEventSchema = z.object({
  position: z.string().regex(POSITION_PATTERN),
  event: eventEnvelopeSchema,
});

export type PositionedEvent = z.infer<typeof positionedEventSchema>;

/** Negative when `a` comes before `b`, zero when equal, positive after. */
export function comparePositions(a: string, b: string): number {
  const [aMs, aSeq] = splitPosition(a);
  const [bMs, bSeq] = splitPosition(b);
  return aMs - bMs || aSeq - bSeq;
}

/**
 * The position after `last` at time `nowMs`, as Redis gives out stream ids:
 * the clock's millisecond, or the last one with the next sequence number
 * when the clock has not moved past it (or went back).
 */
export function nextPosition(last: string, nowMs: number): string {
  const [lastMs, lastSeq] = splitPosition(last);
  return lastMs >= nowMs ? `${lastMs}-${lastSeq + 1}` : `${nowMs}-0`;
}

function splitPosition(position: string): [number, number] {
  if (!POSITION_PATTERN.test(position)) throw new TypeError(`not an event position (<ms>-<seq>): ${JSON.stringify(position)}`);
  const dash = position.indexOf('-');
  return [Number(position.slice(0, dash)), Number(position.slice(dash + 1))];
}

/**
 * Redis keys of the history, shared by the bridge (writes) and the routers
 * (read). Under the channel prefix, so deployments sharing a Redis stay apart.
 */
export const historyKeys = (prefix: string) => ({
  /** The last position given out, for every type. */
  lastPosition: `${prefix}history`,
  /** One stream per event type, entries `event` = the envelope's JSON. */
  stream: (type: string) => `${prefix}history:${type}`,
  /** Hash, type -> position: every event of the type trimmed from its stream lies before that position. */
  trimmedBefore: `${prefix}history-trimmed`,
});
