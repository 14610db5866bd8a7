import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The status the receiver answered, or null when it held the request without answering. */
  answered: number | null;
}

/** What the receiver answers a request with: a status (and headers), or 'hold' to never answer. */
export type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hold';

/**
 * A webhook receiver of the test's own on 127.0.0.1: it records every
 * request and answers as `answer` says, which a test changes as it goes;
 * a promised answer holds the request until the test settles it.
 * `close()` and `listen()` again on the same port play a receiver that is
 * down, then back.
 */
export async function startReceiver(port = 0) {
  const requests: ReceivedRequest[] = [];
  let answer: (request: ReceivedRequest) => Answer | Promise<Answer> = () => ({ status: 204 });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const received: ReceivedRequest = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answered: null };
      requests.push(received);
      const reply = await answer(received);
      if (reply === 'hold' || res.destroyed) return;
      received.answered = reply.status;
      res.writeHead(reply.status, reply.headers).end(reply.body ?? '');
    });
  });
  const listen = (at: number) => new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
  const boundPort = await listen(port);
  return {
    port: boundPort,
    url: `http://127.0.0.1:${boundPort}/hooks`,
    requests,
    answerWith(next: (request: ReceivedRequest) => Answer | Promise<Answer>) {
      answer = next;
    },
    /** Requests carrying this event id (`webhook-id`). */
    requestsFor: (eventId: string) => requests.filter((request) => request.headers['webhook-id'] === eventId),
    listen: () => listen(boundPort),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
