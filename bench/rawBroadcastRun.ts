import WebSocket from 'ws';
import { latencyFigures, ownCpuSeconds, type LatencyFigures } from './latencyFigures.ts';
import { until, untilCounted } from './pacing.ts';
import { cpuSeconds, freePort, runService, untilReady, waitForOk } from './processes.ts';

/**
 * The floor: `payload` broadcast over plain `ws` to `count` sockets, `events`
 * times at `rate` per second. Laid out as the pipeline is: the server in a
 * process of its own, the clients in the bench's, so both sides' CPU and
 * latency compare with the router's and its subscribers'.
 */
export async function rawBroadcastRun(payload: string, count: number, { events, rate }: { events: number; rate: number }): Promise<LatencyFigures> {
  const port = await freePort();
  const server = runService('bench/rawBroadcastServer.ts', { ...process.env, RAW_PORT: String(port), RAW_PAYLOAD: payload });
  const base = `http://127.0.0.1:${port}`;
  try {
    await untilReady(server, 'the raw broadcast server', (signal) => waitForOk(`${base}/sockets`, 30_000, signal));
    const latencies: number[] = [];
    const sockets = Array.from({ length: count }, () => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}`);
      socket.on('message', (data) => latencies.push(Date.now() - JSON.parse(data.toString()).sentAt));
      return socket;
    });
    if (!(await until(async () => Number(await (await fetch(`${base}/sockets`)).text()) === count, 60_000))) throw new Error(`the raw broadcast server did not get ${count} sockets`);
    const started = Date.now();
    const [serverBefore, clientsBefore] = [cpuSeconds(server.child.pid!), ownCpuSeconds()];
    await fetch(`${base}/broadcast?events=${events}&rate=${rate}`, { method: 'POST' });
    await untilCounted(() => latencies.length, events * count);
    const cpu = { server: cpuSeconds(server.child.pid!) - serverBefore, clients: ownCpuSeconds() - clientsBefore };
    const result = latencyFigures('raw ws broadcast', latencies, Date.now() - started, cpu);
    sockets.forEach((socket) => socket.close());
    return result;
  } finally {
    await server.stop();
  }
}
