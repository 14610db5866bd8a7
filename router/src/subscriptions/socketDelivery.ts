import type { Socket } from 'node:net';
import type { ExecutionResult } from 'graphql';
import { MessageType } from 'graphql-ws';
import { WebSocket } from 'ws';
import { SUBSCRIBER_BUFFER, type Delivery } from './subscriptionHub.ts';

/** A socket's messages waiting for the next write (each its subscription's prefix and the shared payload), and what to call once each is written. */
interface Outbox {
  socket: WebSocket;
  /** The connection under the WebSocket (the upgrade request's). */
  connection: Socket;
  heads: Buffer[];
  payloads: Buffer[];
  written: (() => void)[];
}

const CLOSE_BRACE = 0x7d;

/** The bytes of an unmasked, unfragmented text frame (RFC 6455 §5.2) carrying `length` bytes, before them. */
const headerLength = (length: number) => (length < 126 ? 2 : length < 65_536 ? 4 : 10);

/** The bytes `outbox`'s frames take: each message is `head`, `payload` and a closing brace. */
function framesLength(outbox: Outbox): number {
  let total = 0;
  for (let i = 0; i < outbox.heads.length; i++) {
    const length = outbox.heads[i]!.length + outbox.payloads[i]!.length + 1;
    total += headerLength(length) + length;
  }
  return total;
}

/** `outbox`'s frames in a buffer of their own. */
function ownFrames(outbox: Outbox): Buffer {
  const frames = Buffer.allocUnsafe(framesLength(outbox));
  encodeFrames(outbox, frames, 0);
  return frames;
}

/** Writes `outbox`'s messages as text frames into `into` from `offset`; returns where they end. */
function encodeFrames(outbox: Outbox, into: Buffer, offset: number): number {
  for (let i = 0; i < outbox.heads.length; i++) {
    const head = outbox.heads[i]!;
    const payload = outbox.payloads[i]!;
    const length = head.length + payload.length + 1;
    into[offset++] = 0x81; // FIN, text
    if (length < 126) {
      into[offset++] = length;
    } else if (length < 65_536) {
      into[offset++] = 126;
      offset = into.writeUInt16BE(length, offset);
    } else {
      into[offset++] = 127;
      offset = into.writeBigUInt64BE(BigInt(length), offset);
    }
    offset += head.copy(into, offset);
    offset += payload.copy(into, offset);
    into[offset++] = CLOSE_BRACE;
  }
  return offset;
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

  /**
   * Hands `outbox`'s frames to its connection, encoded into `shared` from
   * `offset`; returns where they end there. A connection still holding
   * earlier bytes (a slow reader) gets a buffer of its own: what it holds
   * must not keep a whole turn's shared buffer alive.
   */
  const write = (outbox: Outbox, shared: Buffer, offset: number): number => {
    const { socket, connection, written } = outbox;
    const done = () => {
      for (const callback of written) callback();
    };
    let end = offset;
    if (socket.readyState !== WebSocket.OPEN) done();
    else if (connection.writableLength > 0) connection.write(ownFrames(outbox), done);
    else {
      end = encodeFrames(outbox, shared, offset);
      connection.write(shared.subarray(offset, end), done);
    }
    outbox.heads = [];
    outbox.payloads = [];
    outbox.written = [];
    return end;
  };
  // Every socket's frames of a turn are encoded into one buffer: one allocation, not one (or more) per message.
  const writeWaiting = () => {
    scheduled = false;
    let total = 0;
    for (const outbox of waiting) total += framesLength(outbox);
    const shared = Buffer.allocUnsafe(total);
    let offset = 0;
    for (const outbox of waiting) offset = write(outbox, shared, offset);
    waiting.clear();
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
        if (!outbox) outboxes.set(socket, (outbox = { socket, connection, heads: [], payloads: [], written: [] }));
        outbox.heads.push(head);
        outbox.payloads.push(payloadOf(result));
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
      if (!outbox || outbox.heads.length === 0) return;
      waiting.delete(outbox);
      write(outbox, ownFrames(outbox), 0);
    },
  };
}
