import type { Socket } from 'node:net';
import type { ExecutionResult } from 'graphql';
import { MessageType } from 'graphql-ws';
import { WebSocket } from 'ws';
import type { Delivery } from './subscriptionHub.ts';
import { createTurnDelivery, perResult } from './turnDelivery.ts';

/** One `next` message: its subscription's prefix and the group's payload, framed when written. */
interface NextMessage {
  head: Buffer;
  payload: Buffer;
}

/** A WebSocket and the connection under it (the upgrade request's). */
interface SocketTarget {
  socket: WebSocket;
  connection: Socket;
}

const CLOSE_BRACE = 0x7d;

/** The bytes before the data of an unmasked, unfragmented text frame (RFC 6455 §5.2) of `length` bytes. */
const headerLength = (length: number) => (length < 126 ? 2 : length < 65_536 ? 4 : 10);

/** `messages` as consecutive text frames in one buffer. */
function framed(messages: readonly NextMessage[]): Buffer {
  let total = 0;
  for (const { head, payload } of messages) {
    const length = head.length + payload.length + 1;
    total += headerLength(length) + length;
  }
  const frames = Buffer.allocUnsafe(total);
  let offset = 0;
  for (const { head, payload } of messages) {
    const length = head.length + payload.length + 1;
    frames[offset++] = 0x81; // FIN, text
    if (length < 126) {
      frames[offset++] = length;
    } else if (length < 65_536) {
      frames[offset++] = 126;
      offset = frames.writeUInt16BE(length, offset);
    } else {
      frames[offset++] = 127;
      offset = frames.writeBigUInt64BE(BigInt(length), offset);
    }
    // TypedArray#set copies directly; Buffer#copy makes a view of the source per call first.
    frames.set(head, offset);
    offset += head.length;
    frames.set(payload, offset);
    offset += payload.length;
    frames[offset++] = CLOSE_BRACE;
  }
  return frames;
}

/**
 * Live results on graphql-ws sockets, as the `next` messages graphql-ws
 * would send (see createTurnDelivery): the result is formatted, serialized
 * and encoded once per group, and each subscription's message is its own id
 * around those bytes. graphql-ws still runs the operation: it sends the
 * subscription's final result, its errors and its `complete`.
 *
 * Why not through graphql-ws: its `next` path serializes the whole message
 * per subscriber (`onNext` may replace the payload, not its text), and
 * pulls each result through the subscriber's async iterator.
 *
 * Why not through `ws.send`: it measures and encodes the text again per
 * socket, and writes each message as two stream writes. The frames go
 * straight to the connection instead, a turn's in one write. They cannot
 * interleave with ws's own: a ws server without permessage-deflate (the
 * router's WebSocketServer leaves it off) writes every frame synchronously,
 * in the order sent, and queues nothing.
 */
export function createSocketDelivery(format: (result: ExecutionResult) => unknown) {
  const payloadOf = perResult((result) => Buffer.from(JSON.stringify(format(result))));
  const targets = new WeakMap<WebSocket, SocketTarget>();
  const delivery = createTurnDelivery<SocketTarget, NextMessage>({
    isOpen: ({ socket }) => socket.readyState === WebSocket.OPEN,
    write: ({ connection }, messages, done) => void connection.write(framed(messages), done),
    unread: ({ connection }) => connection.writableLength,
    cut: ({ socket }) => socket.terminate(),
  });

  return {
    /**
     * The delivery of subscription `id` on `socket`. `current` says whether
     * graphql-ws still runs it under that id (not completed by the client,
     * the id not reused).
     */
    to(socket: WebSocket, connection: Socket, id: string, current: () => boolean): Delivery {
      let target = targets.get(socket);
      if (!target) targets.set(socket, (target = { socket, connection }));
      // What JSON.stringify({ id, type: 'next', payload }) gives, as graphql-ws sends it.
      const head = Buffer.from(`{"id":${JSON.stringify(id)},"type":"${MessageType.Next}","payload":`);
      return delivery.to(target, current, (result) => ({ head, payload: payloadOf(result) }));
    },
    /**
     * Writes what waits for `socket` now: graphql-ws's own messages on it
     * (a final result, an error, `complete`) must not overtake the results
     * before them.
     */
    flush(socket: WebSocket): void {
      const target = targets.get(socket);
      if (target) delivery.flush(target);
    },
  };
}
