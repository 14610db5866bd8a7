import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { signToken } from '@supergraph/common';
import { cpuPerEventTable } from './cpuPerEventTable.ts';
import { idleMemory } from './idleMemory.ts';
import { latencyHeader, latencyRow, ratioRow } from './latencyFigures.ts';
import { measureSubscribers } from './measureSubscribers.ts';
import { rawBroadcastRun } from './rawBroadcastRun.ts';
import { openSseSubscribers } from './sseSubscribers.ts';
import { startSubscriptionPipeline } from './subscriptionPipeline.ts';
import { openWsSubscribers } from './wsSubscribers.ts';

// `npm run bench:subscriptions`: N graphql-ws subscribers of one selection,
// notes created at a fixed rate through the whole real pipeline (outbox,
// relay, RabbitMQ, bridge, Redis, router), against a raw `ws` broadcast of
// the same payload to the same number of sockets, in one run. On the same
// router: as many graphql-sse subscribers; one public selection subscribed
// by as many distinct users (hub resolutions per event); and the router's
// memory per idle subscription. One subscriber at the same rate first: what
// the pipeline itself costs per event, process by process, before fan-out.
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 100);
// Until the services' hot paths are compiled: the CPU per event keeps falling for about this many at 100/s.
const WARM_UP_EVENTS = Number(process.env.BENCH_WARM_UP_EVENTS ?? 1000);
const RATE = Number(process.env.BENCH_RATE ?? 20);
const USERS = Number(process.env.BENCH_USERS ?? 1000);
const USER_EVENTS = Number(process.env.BENCH_USER_EVENTS ?? 5);
const USER_RATE = Number(process.env.BENCH_USER_RATE ?? 1);
const IDLE = Number(process.env.BENCH_IDLE_SUBSCRIPTIONS ?? 10_000);
const IDLE_PER_SOCKET = Number(process.env.BENCH_IDLE_PER_SOCKET ?? 100);
const SELECTION = 'subscription { noteCreated { id title author { email name } } }';
// Fields any signed-in user may read (`User.email` is the owner's or an admin's).
const PUBLIC_SELECTION = 'subscription { noteCreated { id title } }';

// The anonymous subscribers are sockets (and streams) from 127.0.0.1: the caps admit exactly them; each user holds one.
const caps = {
  WS_MAX_SOCKETS_PER_IP: String(Math.max(SUBSCRIBERS, Math.ceil(IDLE / IDLE_PER_SOCKET))),
  WS_MAX_SUBSCRIPTIONS_PER_IP: String(Math.max(SUBSCRIBERS, IDLE)),
  WS_MAX_SUBSCRIPTIONS_PER_SOCKET: String(IDLE_PER_SOCKET),
  WS_MAX_SUBSCRIPTIONS_PER_ROUTER: String(Math.max(SUBSCRIBERS, USERS, IDLE)),
};

console.log(`${SUBSCRIBERS} subscribers, ${EVENTS} events at ${RATE}/s...`);
console.log(`Router caps: ${Object.entries(caps).map(([name, value]) => `${name}=${value}`).join(' ')}`);
const pipeline = await startSubscriptionPipeline(caps);
const { idle, alone, ws, sse, users } = await (async () => {
  try {
    // First, on a router that has held no subscription yet.
    console.log(`${IDLE} idle subscriptions...`);
    const idle = await idleMemory(pipeline, SELECTION, IDLE, IDLE_PER_SOCKET);
    const load = { events: EVENTS, rate: RATE };
    const anonymousSockets = Array.from({ length: SUBSCRIBERS }, () => ({ token: null, subscriptions: 1 }));
    // Events to one subscriber at the same rate first, so that the runs measured find the services warm (JIT).
    await measureSubscribers(pipeline, 'warm-up', () => openWsSubscribers(pipeline.url, SELECTION, anonymousSockets.slice(0, 1)), 1, { events: WARM_UP_EVENTS, rate: RATE });
    const alone = await measureSubscribers(pipeline, '1 subscriber (graphql-ws)', () => openWsSubscribers(pipeline.url, SELECTION, anonymousSockets.slice(0, 1)), 1, load);
    const ws = await measureSubscribers(pipeline, 'pipeline (graphql-ws)', () => openWsSubscribers(pipeline.url, SELECTION, anonymousSockets), SUBSCRIBERS, load);
    console.log('graphql-sse...');
    const sse = await measureSubscribers(pipeline, 'pipeline (graphql-sse)', () => openSseSubscribers(pipeline.url, SELECTION, SUBSCRIBERS), SUBSCRIBERS, load);
    console.log(`${USERS} users, ${USER_EVENTS} events at ${USER_RATE}/s...`);
    const tokens = await Promise.all(Array.from({ length: USERS }, () => signToken({ id: randomUUID(), role: 'CUSTOMER' }, pipeline.jwt)));
    const userSockets = tokens.map((token) => ({ token, subscriptions: 1 }));
    const users = await measureSubscribers(pipeline, `${USERS} users (graphql-ws)`, () => openWsSubscribers(pipeline.url, PUBLIC_SELECTION, userSockets), USERS, { events: USER_EVENTS, rate: USER_RATE });
    return { idle, alone, ws, sse, users };
  } finally {
    await pipeline.stop();
  }
})();
const reference = await rawBroadcastRun(
  JSON.stringify({ data: { noteCreated: { id: '00000000-0000-4000-8000-000000000000', title: 'bench 0', author: { email: 'alice@example.com', name: 'Alice Liddell' } } } }),
  SUBSCRIBERS,
  { events: EVENTS, rate: RATE },
);

console.log(`\n${latencyHeader()}`);
console.log(latencyRow(ws.figures));
console.log(latencyRow(reference));
console.log(ratioRow('ratio pipeline/raw', ws.figures, reference));
console.log('Latency: pipeline from the outbox write (event occurredAt) to the client; raw from send to receive.');
console.log(`Cores the whole machine kept busy meanwhile (of ${availableParallelism()}): ${ws.machineCores.toFixed(2)} (graphql-ws), ${sse.machineCores.toFixed(2)} (graphql-sse).`);
console.log(`Events created at ${ws.eventsPerSecond.toFixed(0)}/s (graphql-ws), ${sse.eventsPerSecond.toFixed(0)}/s (graphql-sse), asked for ${RATE}/s.`);

console.log(`\nThe pipeline alone, the same ${EVENTS} events at ${RATE}/s to 1 graphql-ws subscriber:\n${latencyHeader()}`);
console.log(latencyRow(alone.figures));
console.log(`Cores the whole machine kept busy meanwhile: ${alone.machineCores.toFixed(2)}. SQL statements per event (Prisma's, the relay's not counted): ${alone.statementsPerEvent.toFixed(2)}.`);
console.log('\nWhere the CPU goes, per event, each process (creating the note included; bench = the load generator and the clients):');
console.log(
  cpuPerEventTable([
    { name: '1 subscriber', cpuPerEventMs: alone.cpuPerEventMs },
    { name: `${SUBSCRIBERS} graphql-ws`, cpuPerEventMs: ws.cpuPerEventMs },
    { name: `${SUBSCRIBERS} graphql-sse`, cpuPerEventMs: sse.cpuPerEventMs },
  ]),
);

console.log(`\ngraphql-sse, ${SUBSCRIBERS} anonymous streams (distinct connections), same selection and load:\n${latencyHeader()}`);
console.log(latencyRow(sse.figures));
console.log(ratioRow('ratio sse/graphql-ws', sse.figures, ws.figures));

console.log(`\n${USERS} subscribers from ${USERS} distinct users, "${PUBLIC_SELECTION}", ${USER_EVENTS} events at ${USER_RATE}/s:\n${latencyHeader()}`);
console.log(latencyRow(users.figures));
console.log(`router CPU per subscriber to connect and subscribe: ${ws.subscribeCpuMs.toFixed(2)} ms (graphql-ws), ${sse.subscribeCpuMs.toFixed(2)} ms (graphql-sse), ${users.subscribeCpuMs.toFixed(2)} ms (${USERS} users, tokens verified)`);
console.log(`resolutions per event: ${users.resolutionsPerEvent.toFixed(1)} (${USERS} users); ${ws.resolutionsPerEvent.toFixed(1)} (${SUBSCRIBERS} anonymous graphql-ws), ${sse.resolutionsPerEvent.toFixed(1)} (${SUBSCRIBERS} anonymous graphql-sse)`);

console.log(`\n${IDLE} idle graphql-ws subscriptions over ${idle.sockets} sockets (${IDLE_PER_SOCKET} per socket), no events:`);
console.log(`router RSS ${(idle.beforeKb / 1024).toFixed(1)} MB before, ${(idle.afterKb / 1024).toFixed(1)} MB after: ${idle.perSubscriptionKb.toFixed(2)} KB per subscription`);
