import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from 'graphql-ws';
import WebSocket, { WebSocketServer } from 'ws';
import { DEMO_PASSWORD } from '@supergraph/demo';
import { SUBGRAPHS } from '../test/kit/postgres.ts';
import { deleteBridgeTopology } from '../test/kit/rabbitmq.ts';
import { percentile } from './percentiles.ts';
import { dropSubgraphDatabases, prepareSubgraphs } from './prepareSubgraphs.ts';
import { freePort, runService, waitForGraphQL, type Service } from './processes.ts';

// `npm run bench:subscriptions`: N graphql-ws subscribers of one selection,
// notes created at a fixed rate through the whole real pipeline (outbox,
// relay, RabbitMQ, bridge, Redis, router), against a raw `ws` broadcast of
// the same payload to the same number of sockets, in one run.
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 100);
const RATE = Number(process.env.BENCH_RATE ?? 20);
const AMQP_URL = process.env.BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SELECTION = 'subscription { noteCreated { id title author { email name } } }';

interface Figures {
  name: string;
  delivered: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
}

function figures(name: string, latencies: number[], elapsedMs: number): Figures {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    name,
    delivered: latencies.length,
    perSecond: latencies.length / (elapsedMs / 1000),
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
  };
}

/** Calls `tick` EVENTS times at RATE per second. */
async function atFixedRate(tick: (i: number) => Promise<void> | void): Promise<void> {
  const started = Date.now();
  for (let i = 0; i < EVENTS; i++) {
    const due = started + (i * 1000) / RATE;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    await tick(i);
  }
}

async function untilDelivered(count: () => number, expected: number, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (count() < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

async function pipelineRun(): Promise<Figures> {
  const namespace = `sg_bench_${randomBytes(3).toString('hex')}`;
  const services: Service[] = [];
  try {
    const env = await prepareSubgraphs(namespace, { AMQP_URL, AMQP_EXCHANGE: `${namespace}.events` });
    services.push(
      runService('bridge/src/main.ts', {
        ...env,
        REDIS_URL,
        BRIDGE_EXCHANGE: `${namespace}.events`,
        BRIDGE_QUEUE: `${namespace}.bridge`,
        BRIDGE_CHANNEL_PREFIX: `${namespace}:`,
        BRIDGE_PORT: String(await freePort()),
      }),
    );
    for (const name of SUBGRAPHS) services.push(runService(`subgraphs/${name}/src/main.ts`, env));
    const routerPort = await freePort();
    // Every subscriber is an anonymous socket from 127.0.0.1, one subscription each: the caps admit exactly them.
    const caps = { WS_MAX_SOCKETS_PER_IP: String(SUBSCRIBERS), WS_MAX_SUBSCRIPTIONS_PER_IP: String(SUBSCRIBERS), WS_MAX_SUBSCRIPTIONS_PER_ROUTER: String(SUBSCRIBERS) };
    services.push(
      runService('router/src/main.ts', { ...env, ...caps, ROUTER_PORT: String(routerPort), REDIS_URL, EVENTS_CHANNEL_PREFIX: `${namespace}:`, RATE_LIMIT_KEY_PREFIX: `${namespace}:ratelimit` }),
    );
    const url = `http://127.0.0.1:${routerPort}/graphql`;
    await waitForGraphQL(url);

    const login = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `mutation { logIn(input: { email: "alice@example.com", password: "${DEMO_PASSWORD}" }) { token } }` }),
    });
    const token = ((await login.json()) as any).data.logIn.token as string;

    const latencies: number[] = [];
    const clients = Array.from({ length: SUBSCRIBERS }, () =>
      createClient({ url: url.replace('http', 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 }),
    );
    for (const client of clients) {
      client.subscribe({ query: SELECTION }, {
        next: (result: any) => latencies.push(Date.now() - Date.parse(result.extensions.event.occurredAt)),
        error: (error) => console.error('subscription error', error),
        complete: () => {},
      });
    }
    const health = `${url.replace('/graphql', '/health')}`;
    for (let ready = false; !ready; ) {
      ready = ((await (await fetch(health)).json()) as any).subscriptions >= SUBSCRIBERS;
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const started = Date.now();
    await atFixedRate(async (i) => {
      await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: `mutation { createNote(input: { title: "bench ${i}", content: "." }) { id } }` }),
      });
    });
    await untilDelivered(() => latencies.length, EVENTS * SUBSCRIBERS);
    const result = figures('pipeline (graphql-ws)', latencies, Date.now() - started);
    await Promise.all(clients.map((client) => client.dispose()));
    return result;
  } finally {
    await Promise.all(services.map((service) => service.stop()));
    await dropSubgraphDatabases(namespace);
    await deleteBridgeTopology(namespace, AMQP_URL);
  }
}

/** The floor: the same payload broadcast over plain `ws` to as many sockets, at the same rate. */
async function rawBroadcastRun(payload: string): Promise<Figures> {
  const server = createServer();
  const wss = new WebSocketServer({ server });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const latencies: number[] = [];
  const sockets = await Promise.all(
    Array.from({ length: SUBSCRIBERS }, () => new Promise<WebSocket>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}`);
      socket.on('message', (data) => latencies.push(Date.now() - JSON.parse(data.toString()).sentAt));
      socket.once('open', () => resolve(socket));
    })),
  );
  const started = Date.now();
  await atFixedRate(() => {
    const message = JSON.stringify({ sentAt: Date.now(), payload });
    for (const client of wss.clients) client.send(message);
  });
  await untilDelivered(() => latencies.length, EVENTS * SUBSCRIBERS);
  const result = figures('raw ws broadcast', latencies, Date.now() - started);
  sockets.forEach((socket) => socket.close());
  await new Promise((resolve) => wss.close(resolve));
  await new Promise((resolve) => server.close(resolve));
  return result;
}

console.log(`${SUBSCRIBERS} subscribers, ${EVENTS} events at ${RATE}/s...`);
const ours = await pipelineRun();
const reference = await rawBroadcastRun(JSON.stringify({ data: { noteCreated: { id: '00000000-0000-4000-8000-000000000000', title: 'bench 0', author: { email: 'alice@example.com', name: 'Alice Liddell' } } } }));
const row = (f: Figures) =>
  `${f.name.padEnd(24)}${String(f.delivered).padStart(10)}${f.perSecond.toFixed(0).padStart(10)}${f.p50.toFixed(0).padStart(9)}${f.p95.toFixed(0).padStart(9)}${f.p99.toFixed(0).padStart(9)}`;
console.log(`\n${'path'.padEnd(24)}${'delivered'.padStart(10)}${'msg/s'.padStart(10)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'p99 ms'.padStart(9)}`);
console.log(row(ours));
console.log(row(reference));
console.log(`${'ratio pipeline/raw'.padEnd(24)}${''.padStart(10)}${(ours.perSecond / reference.perSecond).toFixed(2).padStart(10)}${(ours.p50 / Math.max(reference.p50, 1)).toFixed(1).padStart(9)}${(ours.p95 / Math.max(reference.p95, 1)).toFixed(1).padStart(9)}${(ours.p99 / Math.max(reference.p99, 1)).toFixed(1).padStart(9)}`);
console.log('Latency: pipeline from the outbox write (event occurredAt) to the client; raw from send to receive.');
