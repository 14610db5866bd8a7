import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { atFixedRate } from './pacing.ts';

// The raw broadcast's server, in a process of its own as the router is: a
// plain `ws` server that, on `POST /broadcast?events=N&rate=R`, sends every
// socket `{"sentAt":<ms>,"payload":<RAW_PAYLOAD>}` N times at R per second,
// and answers once all are sent. `GET /sockets` counts the sockets open.
const payload = process.env.RAW_PAYLOAD ?? '{}';
const server = createServer(async (request, response) => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (url.pathname === '/sockets') return void response.end(String(wss.clients.size));
  if (url.pathname !== '/broadcast' || request.method !== 'POST') return void response.writeHead(404).end();
  await atFixedRate(Number(url.searchParams.get('events')), Number(url.searchParams.get('rate')), () => {
    const message = `{"sentAt":${Date.now()},"payload":${payload}}`;
    for (const client of wss.clients) client.send(message);
  });
  response.end('sent');
});
const wss = new WebSocketServer({ server });
server.listen(Number(process.env.RAW_PORT), '127.0.0.1');
