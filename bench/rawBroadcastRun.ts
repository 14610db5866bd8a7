import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { latencyFigures, ownCpuSeconds, type LatencyFigures } from './latencyFigures.ts';
import { atFixedRate, untilCounted } from './pacing.ts';

/** The floor: `payload` broadcast over plain `ws` to `count` sockets, `events` times at `rate` per second. */
export async function rawBroadcastRun(payload: string, count: number, { events, rate }: { events: number; rate: number }): Promise<LatencyFigures> {
  const server = createServer();
  const wss = new WebSocketServer({ server });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const latencies: number[] = [];
  const sockets = await Promise.all(
    Array.from({ length: count }, () => new Promise<WebSocket>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}`);
      socket.on('message', (data) => latencies.push(Date.now() - JSON.parse(data.toString()).sentAt));
      socket.once('open', () => resolve(socket));
    })),
  );
  const started = Date.now();
  const cpuBefore = ownCpuSeconds();
  // Server and clients share this process: the server's share is the broadcast loops' own time.
  let serverCpu = 0;
  await atFixedRate(events, rate, () => {
    const loopStarted = ownCpuSeconds();
    const message = JSON.stringify({ sentAt: Date.now(), payload });
    for (const client of wss.clients) client.send(message);
    serverCpu += ownCpuSeconds() - loopStarted;
  });
  await untilCounted(() => latencies.length, events * count);
  const result = latencyFigures('raw ws broadcast', latencies, Date.now() - started, { server: serverCpu, clients: ownCpuSeconds() - cpuBefore - serverCpu });
  sockets.forEach((socket) => socket.close());
  await new Promise((resolve) => wss.close(resolve));
  await new Promise((resolve) => server.close(resolve));
  return result;
}
