import type { ServerResponse } from 'node:http';
import type { TurnWriter } from './turnDelivery.ts';

/** Whether a response can still be written to: `writable` stays true after end() and after the client went away (Node 20), and a write after end() throws. */
const takesWrites = (res: ServerResponse) => !res.writableEnded && !res.destroyed;

/** Live results on event-stream responses: each message is a whole SSE event, as graphql-sse prints it. */
export const sseWriter: TurnWriter<ServerResponse, Buffer> = {
  isOpen: takesWrites,
  write: function write(res, messages, done) {
    // graphql-sse writes the head once the stream has started, in the same turn; results come in a later one. Were one
    // ever earlier, it waits: written before the head, it would send Node's default one.
    if (!res.headersSent) return void setImmediate(() => (takesWrites(res) ? write(res, messages, done) : done()));
    res.write(messages.length === 1 ? messages[0]! : Buffer.concat(messages), () => done());
  },
  unread: (res) => res.writableLength,
  cut: (res) => void res.destroy(),
};
