import type { Socket } from 'node:net';
import type { ExecutionResult } from 'graphql';
import { MessageType } from 'graphql-ws';
import { WebSocket } from 'ws';
import { SUBSCRIBER_BUFFER, type Delivery } from './subscriptionHub.ts';

/** A socket's frames waiting for the next write, and what to call once each is written. */
interface Outbox {
  socket: WebSocket;
  /** The connection under the WebSocket (the upgrade request's). */
  connection: Socket;
  frames: Buffer[];
  written: (() => void)[];
}

const CLOSE_BRACE = Buffer.from('}');

/** The header of an unmasked, unfragmented text frame (RFC 6455 §5.2) carrying `length` bytes. */
function textFrameHeader(length: number): Buffer {
  if (length < 126) return Buffer.from([0x81, length]);
  if (length < 65_536) return Buffer.from([0x81, 126, length >> 8, length & 0xff]);
  const header = Buffer.alloc(10);
  header[0] = 0x81;
  header[1] = 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  return header;
}

/**
 * Writes a hub group's live results to graphql-ws sockets itself, as the
 * `next` messages graphql-ws would send: the result is formatted, serialized
 * and encoded once for the whole group (every member is handed the same
 * result object, and only members are), then each subscription's frame is
 * its own id around those bytes, written without a promise or an async
 * iteration per subscriber. graphql-ws still runs the operation: it sends
 * the subscription's final result, its errors and its `complete`.
 *
 * Why not through graphql-ws: its `next` path serializes the whole message
 * per subscriber (`onNext` may replace the payload, not its text), and
 * pulls each result through the subscriber's async iterator.
 *
 * Why not through `ws.send`: it measures and encodes the text again per
 * socket, and writes each message as two corked stream writes; at a
 * thousand subscribers an event, that was a third of the router's work.
 * The frames go straight to the connection instead. They cannot interleave
 * with ws's own: a ws server without permessage-deflate (the router's
 * WebSocketServer leaves it off) writes every frame synchronously, in the
 * order sent, and queues nothing.
 *
 * A socket's frames are written together once the event loop has run what
 * was ready (setImmediate): one write per socket for every result delivered
 * meanwhile, instead of one per message. Keeping up, that is one event's
 * results; behind, several events' go out in one write.
 */
export function createSocketDelivery(format: (result: ExecutionResult) => unknown) {
  // Keyed by the result object: a group's members share it, another group (another viewer) never holds it.
  const payloads = new WeakMap<ExecutionResult, Buffer>();
  const payloadOf = (result: ExecutionResult): Buffer => {
    let bytes = payloads.get(result);
    if (bytes === undefined) {
      bytes = Buffer.from(JSON.stringify(format(result)));
      payloads.set(result, bytes);
    }
    return bytes;
  };

  const outboxes = new WeakMap<WebSocket, Outbox>();
  const waiting = new Set<Outbox>();
  let scheduled = false;

  const write = (outbox: Outbox) => {
    waiting.delete(outbox);
    const { socket, connection, frames, written } = outbox;
    if (frames.length === 0) return;
    outbox.frames = [];
    outbox.written = [];
    const done = () => {
      for (const callback of written) callback();
    };
    if (socket.readyState !== WebSocket.OPEN) return done();
    connection.write(frames.length === 1 ? frames[0]! : Buffer.concat(frames), done);
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
      const head = Buffer.from(`{"id":${JSON.stringify(id)},"type":"${MessageType.Next}","payload":`);
      let unwritten = 0;
      const written = () => void unwritten--;
      return (result) => {
        if (!current() || socket.readyState !== WebSocket.OPEN) return true;
        if (unwritten >= SUBSCRIBER_BUFFER) return false;
        unwritten++;
        let outbox = outboxes.get(socket);
        if (!outbox) outboxes.set(socket, (outbox = { socket, connection, frames: [], written: [] }));
        const payload = payloadOf(result);
        const length = head.length + payload.length + 1;
        const header = textFrameHeader(length);
        outbox.frames.push(Buffer.concat([header, head, payload, CLOSE_BRACE], header.length + length));
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
