import { createServer, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { sseWriter } from '../src/subscriptions/sseWriter.ts';
import { createTurnDelivery, MAX_UNREAD_BYTES } from '../src/subscriptions/turnDelivery.ts';
import { waitFor } from '../../test/kit/waitFor.ts';

// Live results on event-stream responses, over a real HTTP connection. Through graphql-sse and the hub it is tested in sse.test.ts.
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** An HTTP server whose one response is handed to the test, and a raw client connection that asked for it. */
async function responsePair() {
  let accepted!: (res: ServerResponse) => void;
  const response = new Promise<ServerResponse>((resolve) => (accepted = resolve));
  const server = createServer((_req, res) => accepted(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client: Socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
  let received = '';
  client.setEncoding('latin1').on('data', (chunk: string) => (received += chunk));
  client.write('GET / HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n');
  const res = await response;
  return {
    res,
    client,
    received: () => received,
    close: async () => {
      client.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('SSE writer', () => {
  it('holds results that come before the response head until graphql-sse has written it', async () => {
    const pair = await responsePair();
    const delivery = createTurnDelivery(sseWriter);
    const deliver = delivery.to(pair.res, () => true, () => Buffer.from('event: next\ndata: {"data":{"n":1}}\n\n'));
    expect(deliver({ data: { n: 1 } })).toBe(true);
    await nextTurn();
    await nextTurn();
    expect(pair.received()).toBe('');
    pair.res.writeHead(200, { 'content-type': 'text/event-stream' });
    await waitFor('the event', () => pair.received().includes('data: {"data":{"n":1}}'));
    // Our head, not Node's default one, and the event after it.
    expect(pair.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*content-type: text\/event-stream\r\n[^]*\r\n\r\n[^]*event: next\ndata: \{"data":\{"n":1\}\}\n\n/);
    await pair.close();
  });

  it(`cuts a response whose client leaves more than ${MAX_UNREAD_BYTES / 1024 / 1024} MB unread`, async () => {
    const pair = await responsePair();
    pair.res.writeHead(200, { 'content-type': 'text/event-stream' });
    const delivery = createTurnDelivery(sseWriter);
    const large = Buffer.from(`event: next\ndata: ${JSON.stringify({ data: { text: 'x'.repeat(1024 * 1024) } })}\n\n`);
    const deliver = delivery.to(pair.res, () => true, () => large);
    pair.client.pause();
    let sent = 0;
    while (!pair.res.destroyed && sent < 100) {
      deliver({ data: {} });
      sent++;
      await nextTurn();
    }
    expect(pair.res.destroyed).toBe(true);
    expect(sent).toBeGreaterThan(MAX_UNREAD_BYTES / (1024 * 1024));
    await pair.close();
  });
});
