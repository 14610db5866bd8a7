import { comparePositions, type EventEnvelope, type HistorySlice, type PositionedEvent } from '@supergraph/common';
import { EventsExpiredError } from './eventsExpiredError.ts';

/** Read access to an event history (Redis streams, or memory under `npm start`). */
export interface EventHistoryReader {
  /** The position of an event id the history still remembers. */
  positionOf(eventId: string): Promise<string | undefined>;
  /** The retained events of one type after a position, oldest first. */
  readAfter(type: string, position: string): Promise<HistorySlice>;
}

/**
 * Every retained event of the given types after the event `afterEventId`,
 * merged in position order (the order they were committed, across types).
 * Throws `EventsExpiredError` rather than return a history with a gap.
 */
export async function readHistory(reader: EventHistoryReader, types: readonly string[], afterEventId: string): Promise<EventEnvelope[]> {
  const position = await reader.positionOf(afterEventId);
  if (position === undefined) throw new EventsExpiredError(afterEventId, 'unknown event id');
  const slices = await Promise.all([...new Set(types)].map((type) => reader.readAfter(type, position)));
  if (slices.some((slice) => slice.expired)) throw new EventsExpiredError(afterEventId, 'later events were dropped by retention');
  return mergeByPosition(slices.map((slice) => slice.events)).map((entry) => entry.event);
}

/** One list in position order out of lists each in position order. */
export function mergeByPosition<T extends Pick<PositionedEvent, 'position'>>(lists: readonly (readonly T[])[]): T[] {
  return lists.flat().sort((a, b) => comparePositions(a.position, b.position));
}
