import type { ExecutionResult } from 'graphql';
import { MessageType } from 'graphql-ws';
import { WebSocket } from 'ws';
import { SUBSCRIBER_BUFFER, type Delivery } from './subscriptionHub.ts';

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

  return {
    /**
     * The delivery of subscription `id` on `socket`. `current` says whether
     * graphql-ws still runs it under that id (not completed by the client,
     * the id not reused): results for an operation that is over are dropped.
     * A subscription with SUBSCRIBER_BUFFER messages not yet handed to the
     * operating system is behind: the hub ends it.
     */
    to(socket: WebSocket, id: string, current: () => boolean): Delivery {
      // What JSON.stringify({ id, type: 'next', payload }) gives, as graphql-ws sends it.
      const head = `{"id":${JSON.stringify(id)},"type":"${MessageType.Next}","payload":`;
      let unflushed = 0;
      const flushed = () => void unflushed--;
      return (result) => {
        if (!current() || socket.readyState !== WebSocket.OPEN) return true;
        if (unflushed >= SUBSCRIBER_BUFFER) return false;
        unflushed++;
        socket.send(`${head}${payloadOf(result)}}`, flushed);
        return true;
      };
    },
  };
}
