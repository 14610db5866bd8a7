import type { Socket } from 'node:net';
import type { ExecutionResult } from 'graphql';
import { MessageType } from 'graphql-ws';
import { WebSocket } from 'ws';
import { SUBSCRIBER_BUFFER, type Delivery } from './subscriptionHub.ts';

/** A socket's messages waiting for the next write, each with what to call once it is written. */
interface Outbox {
  socket: WebSocket;
  /** The connection under the WebSocket (the upgrade request's). */
  connection: Socket;
  messages: string[];
  written: (() => void)[];
}

/**
 * Writes a hub group's live results to graphql-ws sockets itself, as the
 * `next` messages graphql-ws would send: the result is formatted and
 * serialized once for the whole group (every member is handed the same
 * result object, and only members are), then each subscription's message is
 * that text with its own id spliced in, written without a promise or an
 * async iteration per subscriber. graphql-ws still runs the operation: it
 * sends the subscription's final result, its errors and its `complete`.
 *
 * Why not through graphql-ws: its `next` path serializes the whole message
 * per subscriber (`onNext` may replace the payload, not its text), and
 * pulls each result through the subscriber's async iterator.
 *
 * A socket's messages are written together once the event loop has run
 * what was ready (setImmediate): one write per socket for every result
 * delivered meanwhile, instead of one per message. Keeping up, that is one
 * event's results; behind, several events' go out in one write.
 */
export function createSocketDelivery(format: (result: ExecutionResult) => unknown) {
  // Keyed by the result object: a group's members share it, another group (another viewer) never holds it.
  const payloads = new WeakMap<ExecutionResult, string>();
  const payloadOf = (result: ExecutionResult): string => {
    let json = payloads.get(result);
    if (json === undefined) {
      json = JSON.stringify(format(result));
      payloads.set(result, json);
    }
    return json;
  };

  const outboxes = new WeakMap<WebSocket, Outbox>();
  const waiting = new Set<Outbox>();
  let scheduled = false;

  const write = (outbox: Outbox) => {
    waiting.delete(outbox);
    const { socket, connection, messages, written } = outbox;
    if (messages.length === 0) return;
    outbox.messages = [];
    outbox.written = [];
    if (socket.readyState !== WebSocket.OPEN) {
      for (const callback of written) callback();
      return;
    }
    // ws frames each message and writes it corked; corked once more here, the frames leave in one write.
    connection.cork();
    for (let i = 0; i < messages.length; i++) socket.send(messages[i]!, written[i]);
    connection.uncork();
  };
  const writeWaiting = () => {
    scheduled = false;
    for (const outbox of waiting) write(outbox);
  };

  return {
    /**
     * The delivery of subscription `id` on `socket`. `current` says whether
     * graphql-ws still runs it under that id (not completed by the client,
     * the id not reused): results for an operation that is over are dropped.
     * A subscription with SUBSCRIBER_BUFFER messages not yet handed to the
     * operating system is behind: the hub ends it.
     */
    to(socket: WebSocket, connection: Socket, id: string, current: () => boolean): Delivery {
      // What JSON.stringify({ id, type: 'next', payload }) gives, as graphql-ws sends it.
      const head = `{"id":${JSON.stringify(id)},"type":"${MessageType.Next}","payload":`;
      let unwritten = 0;
      const written = () => void unwritten--;
      return (result) => {
        if (!current() || socket.readyState !== WebSocket.OPEN) return true;
        if (unwritten >= SUBSCRIBER_BUFFER) return false;
        unwritten++;
        let outbox = outboxes.get(socket);
        if (!outbox) outboxes.set(socket, (outbox = { socket, connection, messages: [], written: [] }));
        outbox.messages.push(`${head}${payloadOf(result)}}`);
        outbox.written.push(written);
        waiting.add(outbox);
        if (!scheduled) {
          scheduled = true;
          setImmediate(writeWaiting);
        }
        return true;
      };
    },
    /**
     * Writes what waits for `socket` now: graphql-ws's own messages on it
     * (a final result, an error, `complete`) must not overtake the results
     * before them.
     */
    flush(socket: WebSocket): void {
      const outbox = outboxes.get(socket);
      if (outbox) write(outbox);
    },
  };
}
