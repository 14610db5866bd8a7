/**
 * The events asked for are no longer all kept: the event to resume after is
 * unknown (never seen, or forgotten), or events after it were dropped by
 * retention. Replaying what is left would hide a gap, so nothing is
 * returned; callers answer with the error code `EVENTS_EXPIRED` and the
 * client refetches.
 */
export class EventsExpiredError extends Error {
  override readonly name = 'EventsExpiredError';
  readonly code = 'EVENTS_EXPIRED';

  constructor(
    readonly afterEventId: string,
    reason: string,
  ) {
    super(`The events after ${afterEventId} are no longer kept (${reason}); refetch the current state and subscribe again.`);
  }
}
