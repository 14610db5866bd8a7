import type { ExecutionResult } from 'graphql';
import { SUBSCRIBER_BUFFER, type Delivery } from './subscriptionHub.ts';

/** Where a transport writes live results: one connection of its clients. */
export interface TurnWriter<Target, Message> {
  /** Whether `target` still takes messages. */
  isOpen(target: Target): boolean;
  /** Hands `messages` to `target` in one write; `done` once the operating system has them (or the write failed). */
  write(target: Target, messages: readonly Message[], done: () => void): void;
  /** Bytes written to `target` that the process still holds: what the operating system's buffers had no room for. */
  unread(target: Target): number;
  /** Closes `target` at once, with no last message its client would not read anyway. */
  cut(target: Target): void;
}

/**
 * A connection whose client has left this much unread is cut. SUBSCRIBER_BUFFER
 * ends a subscription that falls behind, but its results stay queued on the
 * connection: a client that stops reading and keeps subscribing again would
 * otherwise have the router hold ever more for it.
 */
export const MAX_UNREAD_BYTES = 16 * 1024 * 1024;

/** A message waiting for its connection's turn, what to call once it is written, and whether its subscription still runs. */
interface Queued<Message> {
  message: Message;
  written: () => void;
  current: () => boolean;
}

/** Tells each of `queued` it is written (or never will be): their subscriptions count what is outstanding. */
const releasing = (queued: readonly Queued<unknown>[]) => () => {
  for (const entry of queued) entry.written();
};

/**
 * Writes a hub group's live results to a transport's connections itself:
 * every member of a group is handed the same result object, so what
 * depends only on the result (formatting, JSON) is made once per group
 * (`shared`), and each subscriber's message is built from it without a
 * promise or an async iteration per subscriber.
 *
 * A connection's messages are written together once the event loop has run
 * what was ready (setImmediate): one write per connection for every result
 * delivered meanwhile. Keeping up, that is one event's results; behind,
 * several events' go out in one write. A subscription with SUBSCRIBER_BUFFER
 * messages not yet handed to the operating system is behind: the hub ends it.
 */
export function createTurnDelivery<Target extends object, Message>(writer: TurnWriter<Target, Message>) {
  const outboxes = new WeakMap<Target, Queued<Message>[]>();
  const waiting = new Set<Target>();
  let scheduled = false;

  const write = (target: Target) => {
    waiting.delete(target);
    const queued = outboxes.get(target);
    if (!queued?.length) return;
    outboxes.set(target, []);
    if (!writer.isOpen(target)) return releasing(queued)();
    if (writer.unread(target) > MAX_UNREAD_BYTES) {
      writer.cut(target);
      return releasing(queued)();
    }
    // A subscription may be over since its results were queued (its client completed it, and may already have
    // reused its id for another): what waited for it is not sent.
    const sending: Queued<Message>[] = [];
    for (const entry of queued) {
      if (entry.current()) sending.push(entry);
      else entry.written();
    }
    if (sending.length) writer.write(target, sending.map((entry) => entry.message), releasing(sending));
  };
  const writeWaiting = () => {
    scheduled = false;
    for (const target of waiting) write(target);
  };

  return {
    /**
     * The delivery of one subscription on `target`, each result sent as
     * `messageOf` makes it. `current` says whether the transport still runs
     * the subscription: results for one that is over are dropped, those
     * still waiting for their write too.
     */
    to(target: Target, current: () => boolean, messageOf: (result: ExecutionResult) => Message): Delivery {
      let unwritten = 0;
      const written = () => void unwritten--;
      return (result) => {
        if (!current() || !writer.isOpen(target)) return true;
        if (unwritten >= SUBSCRIBER_BUFFER) return false;
        unwritten++;
        let queued = outboxes.get(target);
        if (!queued) outboxes.set(target, (queued = []));
        queued.push({ message: messageOf(result), written, current });
        waiting.add(target);
        if (!scheduled) {
          scheduled = true;
          setImmediate(writeWaiting);
        }
        return true;
      };
    },
    /** Writes what waits for `target` now: the transport's own messages on it must not overtake the results before them. */
    flush(target: Target): void {
      write(target);
    },
  };
}

/** `make(result)` once per result object: a group's members share it, another group (another viewer) never holds it. */
export function perResult<T>(make: (result: ExecutionResult) => T): (result: ExecutionResult) => T {
  const made = new WeakMap<ExecutionResult, T>();
  return (result) => {
    let value = made.get(result);
    if (value === undefined) {
      value = make(result);
      made.set(result, value);
    }
    return value;
  };
}
