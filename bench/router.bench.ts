import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { composeSupergraph, loadSupergraphConfig } from '@supergraph/router';
import { figure, formatTable, type Column } from './benchTable.ts';
import { loadGraphQL, postGraphQL, type LoadFigures, type LoadOptions } from './graphqlLoad.ts';
import { sleep } from './pacing.ts';
import { cpuSeconds, freePort, profileArgs, runService, untilReady, waitForGraphQL, waitForHealth, type Service } from './processes.ts';
import { startOtlpSink, type OtlpSink } from './otlpSink.ts';
import { ensureHiveGateway, HIVE_GATEWAY_VERSION, hiveGatewayDir, startHiveGateway } from './routerBench/hiveGateway.ts';

// `npm run bench:router`: the gateway's own cost (issue #10). One nested query
// over four in-memory fixture subgraphs (bench/routerBench), through our
// router, a plain @apollo/gateway and Hive Gateway with and without in-flight
// deduplication and JIT, one gateway at a time, each in its own process
// against the same subgraph processes; two scenarios each: every client
// sending the same request, and every request a different one. Ours runs
// twice: tracing off (the default) and on, exporting every span over OTLP to
// a sink that drops them, so what tracing costs, on and off, is in the table.
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
/**
 * Load per scenario before each gateway is measured. A process's CPU per
 * request keeps falling for several seconds of load while its hot paths are
 * compiled, the fixture subgraphs' too: with a short warm-up, whichever
 * gateway ran first met colder subgraphs than the others.
 */
const WARM_UP_SECONDS = Number(process.env.BENCH_WARM_UP_SECONDS ?? 5);
/** After a load, how long the subgraphs must hear nothing for the gateway to count as idle. */
const SETTLE_MS = 1000;
const FIRST = 5;

const fixtures = path.resolve(import.meta.dirname, 'routerBench');
const supergraphConfig = path.join(fixtures, 'supergraph.yaml');
const query = readFileSync(path.join(fixtures, 'query.graphql'), 'utf8');
const SUBGRAPHS = ['accounts', 'products', 'reviews', 'inventory'] as const;
/** The reference every other gateway's throughput and p95 are divided by. */
const PLAIN = 'plain @apollo/gateway';
/**
 * Gateways to run, as comma-separated parts of their names (`BENCH_GATEWAYS=router,plain`
 * skips Hive Gateway and its install); the plain gateway always runs, as the reference. @default every one
 */
const GATEWAYS = process.env.BENCH_GATEWAYS?.split(',').map((part) => part.trim().toLowerCase()).filter(Boolean);
/** BENCH_PROFILE=<dir>: a CPU profile of ours and the plain gateway there. */
const NODE_ARGS = profileArgs();

interface Scenario {
  title: string;
  /** A fresh body (or body per request) for each load, so every contender gets the same sequence. */
  body: () => LoadOptions['body'];
}

const scenarios: Scenario[] = [
  {
    title: 'same query: every client sends the same request (in-flight deduplication applies)',
    body: () => JSON.stringify({ query, variables: { first: FIRST, offset: 0 } }),
  },
  {
    title: 'distinct queries: every request has its own offset (nothing identical to deduplicate)',
    body: () => {
      let offset = 0;
      return () => JSON.stringify({ query, variables: { first: FIRST, offset: offset++ } });
    },
  },
];

interface Contender {
  name: string;
  start: (port: number) => Service;
}

interface Figures extends LoadFigures {
  /** Subgraph fetches per query sent one at a time: the query plan's. */
  fetchesAlone: number;
  /** Subgraph fetches per request sent under the load. */
  fetchesPerQuery: number;
  cpuMsPerRequest: number;
  /** The four fixture subgraph processes' CPU time per request sent. */
  subgraphsCpuMsPerRequest: number;
  /** This process's (autocannon's) CPU time per request sent: the load generator shares the machine's two cores. */
  loadCpuMsPerRequest: number;
}

const subgraphUrls = new Map<string, string>();
const subgraphPids: number[] = [];

/** GraphQL requests the fixture subgraphs have received so far, all four together. */
async function fetchesSoFar(): Promise<number> {
  const counts = await Promise.all(
    [...subgraphUrls.values()].map(async (url) => ((await (await fetch(url.replace(/\/graphql$/, '/count'))).json()) as { fetches: number }).fetches),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}

/**
 * Every contender must give the same answer without errors before its
 * figures mean anything. Asked one request at a time, so the fetches they
 * cause are the query plan's own, deduplication across requests aside.
 */
async function checkAnswers(contender: string, url: string, expected: Map<number, unknown>): Promise<number> {
  const offsets = [0, 37, 74];
  const fetchesBefore = await fetchesSoFar();
  for (const offset of offsets) {
    const answer = await postGraphQL(url, { query, variables: { first: FIRST, offset } });
    if (answer.errors || answer.data?.users?.length !== FIRST) {
      throw new Error(`${contender} answers the benchmark query (offset ${offset}) with errors or no data:\n${JSON.stringify(answer, null, 2).slice(0, 4000)}`);
    }
    const reference = expected.get(offset);
    if (reference === undefined) expected.set(offset, answer.data);
    else if (!isDeepStrictEqual(answer.data, reference)) throw new Error(`${contender} answers the benchmark query (offset ${offset}) differently from the first contender`);
  }
  return ((await fetchesSoFar()) - fetchesBefore) / offsets.length;
}

/** Waits until the subgraphs have had no request for SETTLE_MS: the gateway has finished what it was sent. */
async function untilSubgraphsIdle(): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (let last = await fetchesSoFar(); Date.now() < deadline; ) {
    await sleep(SETTLE_MS);
    const now = await fetchesSoFar();
    if (now === last) return;
    last = now;
  }
  throw new Error('the subgraphs were still receiving requests 60 s after a load ended');
}

/**
 * One load of `scenario` on an idle gateway, and the subgraph fetches and
 * gateway CPU time it caused, per request sent, counted until the gateway
 * is idle again: requests cut off when autocannon stops are still run by the
 * gateway (ours and Apollo's finish them), so they are counted as sent.
 */
async function measure(contender: string, gateway: Service, url: string, scenario: Scenario, fetchesAlone: number): Promise<Figures> {
  const pid = gateway.child.pid!;
  const subgraphsCpu = () => subgraphPids.reduce((sum, subgraph) => sum + cpuSeconds(subgraph), 0);
  const [fetchesBefore, cpuBefore, subgraphsBefore, loadBefore] = [await fetchesSoFar(), cpuSeconds(pid), subgraphsCpu(), process.cpuUsage()];
  const figures = await loadGraphQL(contender, url, { connections: CONNECTIONS, seconds: SECONDS, body: scenario.body() });
  const load = process.cpuUsage(loadBefore);
  await untilSubgraphsIdle();
  if (gateway.child.exitCode !== null || gateway.child.signalCode !== null) throw new Error(`${contender} exited during the load; its stderr is above`);
  const [fetchesAfter, cpuAfter, subgraphsAfter] = [await fetchesSoFar(), cpuSeconds(pid), subgraphsCpu()];
  return {
    ...figures,
    fetchesAlone,
    fetchesPerQuery: (fetchesAfter - fetchesBefore) / figures.sent,
    cpuMsPerRequest: ((cpuAfter - cpuBefore) * 1000) / figures.sent,
    subgraphsCpuMsPerRequest: ((subgraphsAfter - subgraphsBefore) * 1000) / figures.sent,
    loadCpuMsPerRequest: (load.user + load.system) / 1000 / figures.sent,
  };
}

const columns: Column<{ f: Figures; plain: Figures }>[] = [
  { title: 'gateway', width: 28, show: ({ f }) => f.name },
  { title: 'req/s', width: 7, show: ({ f }) => figure(f.rps, 0) },
  { title: 'p50 ms', width: 8, show: ({ f }) => figure(f.p50, 1) },
  { title: 'p95 ms', width: 8, show: ({ f }) => figure(f.p95, 1) },
  { title: 'p99 ms', width: 8, show: ({ f }) => figure(f.p99, 1) },
  { title: 'errors', width: 8, show: ({ f }) => String(f.errors) },
  { title: 'timeouts', width: 10, show: ({ f }) => String(f.timeouts) },
  { title: 'fetches/q', width: 11, show: ({ f }) => figure(f.fetchesPerQuery, 2) },
  { title: 'alone', width: 7, show: ({ f }) => figure(f.fetchesAlone, 1) },
  { title: 'CPU ms/req', width: 12, show: ({ f }) => figure(f.cpuMsPerRequest, 2) },
  { title: 'subgraphs', width: 11, show: ({ f }) => figure(f.subgraphsCpuMsPerRequest, 2) },
  { title: 'load gen', width: 10, show: ({ f }) => figure(f.loadCpuMsPerRequest, 2) },
  { title: 'req/s÷plain', width: 13, show: ({ f, plain }) => figure(f.rps / plain.rps, 2) },
  { title: 'p95÷plain', width: 11, show: ({ f, plain }) => figure(f.p95 / plain.p95, 2) },
];

const services: Service[] = [];
let otlpSink: OtlpSink | undefined;
try {
  otlpSink = await startOtlpSink();

  console.log('Starting the fixture subgraphs...');
  const routingUrls: Record<string, string> = {};
  const routingEnv: NodeJS.ProcessEnv = {};
  for (const name of SUBGRAPHS) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/graphql`;
    const service = runService('bench/routerBench/subgraphs/serveFixture.ts', { ...process.env, FIXTURE_SUBGRAPH: name, PORT: String(port) });
    services.push(service);
    await untilReady(service, `fixture subgraph ${name}`, (signal) => waitForHealth(url, 30_000, signal));
    subgraphUrls.set(name, url);
    subgraphPids.push(service.child.pid!);
    routingUrls[name] = url;
    routingEnv[`${name.toUpperCase()}_ROUTING_URL`] = url;
  }

  // Hive Gateway reads a composed supergraph; ours composes it, with this run's routing URLs.
  const supergraphFile = path.join(hiveGatewayDir, 'supergraph.graphql');
  mkdirSync(hiveGatewayDir, { recursive: true });
  const { supergraphSdl } = await composeSupergraph(await loadSupergraphConfig(supergraphConfig, routingUrls));
  writeFileSync(supergraphFile, supergraphSdl);

  const { REDIS_URL: _redis, SUPERGRAPH_FILE: _file, ...inherited } = process.env;
  const apolloEnv = (port: number): NodeJS.ProcessEnv => ({
    ...inherited,
    ...routingEnv,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    ROUTER_PORT: String(port),
    SUPERGRAPH_CONFIG: supergraphConfig,
    JWT_SECRET: 'bench-secret-that-is-at-least-32-chars',
    // Required in production: ours signs every subgraph request, and the plain gateway given it does too (the fixtures check nothing).
    SUBGRAPH_SIGNING_SECRETS: `whsec_${randomBytes(32).toString('base64')}`,
    // One client address, thousands of operations, a query priced far above any real page: limits and cost stay on, never refuse.
    RATE_LIMIT_IP_OPERATIONS: '1000000000',
    RATE_LIMIT_USER_OPERATIONS: '1000000000',
    RATE_LIMIT_FIELD_MULTIPLIER: '1000000',
    COST_LIMIT: '1000000000000',
    // Tracing off unless a contender turns it on, whatever this shell exports.
    OTEL_EXPORTER_OTLP_ENDPOINT: '',
  });
  const hiveEnv: NodeJS.ProcessEnv = { ...inherited, NODE_ENV: 'production' };

  const allContenders: Contender[] = [
    { name: 'router (ours)', start: (port) => runService('router/src/main.ts', apolloEnv(port), NODE_ARGS) },
    {
      name: 'router, tracing on',
      start: (port) => runService('router/src/main.ts', { ...apolloEnv(port), OTEL_EXPORTER_OTLP_ENDPOINT: otlpSink!.url, OTEL_TRACES_SAMPLER_ARG: '1' }, NODE_ARGS),
    },
    { name: PLAIN, start: (port) => runService('bench/plainGateway.ts', apolloEnv(port), NODE_ARGS) },
    { name: `Hive Gateway ${HIVE_GATEWAY_VERSION}`, start: (port) => startHiveGateway({ supergraphFile, port, env: hiveEnv }) },
    {
      name: 'Hive Gateway, dedup + JIT',
      start: (port) => startHiveGateway({ supergraphFile, port, env: hiveEnv, configFile: path.join(fixtures, 'hiveGateway.config.ts') }),
    },
  ];
  const contenders = allContenders.filter(({ name }) => name === PLAIN || !GATEWAYS || GATEWAYS.some((part) => name.toLowerCase().includes(part)));
  if (contenders.some(({ name }) => name.startsWith('Hive'))) await ensureHiveGateway();

  console.log(
    `Query: users(first: ${FIRST}) > reviews > product > reviews > author > reviews > product over 4 subgraphs.\n` +
      `One gateway at a time, each in its own process; ${WARM_UP_SECONDS}s warm-up and ${SECONDS}s measured per scenario with ${CONNECTIONS} connections.`,
  );
  const expected = new Map<number, unknown>();
  const results = scenarios.map(() => [] as Figures[]);
  for (const contender of contenders) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/graphql`;
    const service = contender.start(port);
    services.push(service);
    await untilReady(service, contender.name, (signal) => waitForGraphQL(url, 60_000, signal));
    const fetchesAlone = await checkAnswers(contender.name, url, expected);
    console.log(`  ${contender.name} (pid ${service.child.pid})...`);
    for (const scenario of scenarios) await loadGraphQL('warm-up', url, { connections: CONNECTIONS, seconds: WARM_UP_SECONDS, body: scenario.body() });
    await untilSubgraphsIdle();
    for (const [i, scenario] of scenarios.entries()) results[i]!.push(await measure(contender.name, service, url, scenario, fetchesAlone));
    await service.stop();
  }

  for (const [i, scenario] of scenarios.entries()) {
    const figures = results[i]!;
    const plain = figures.find((f) => f.name === PLAIN)!;
    console.log(`\nScenario ${i + 1}, ${scenario.title}`);
    console.log(formatTable(columns, figures.map((f) => ({ f, plain }))));
  }
  console.log(
    '\nerrors: failed connections, non-2xx and GraphQL errors, timeouts (no answer within 10 s) included. fetches/q: requests the four' +
      ' subgraphs received per request sent under the load; alone: per query sent one at a time (the query plan\'s). CPU ms/req: the' +
      ' gateway process\'s user+system CPU time per request sent; subgraphs: the four fixture subgraphs\'; load gen: this process\'s (autocannon, on the same two cores). ÷plain: against plain @apollo/gateway in the same scenario.' +
      '\nOurs and the plain gateway sign their subgraph requests (SUBGRAPH_SIGNING_SECRETS); Hive Gateway does not; the fixtures check nothing.' +
      `\n"router, tracing on" records every request (sampling 1) and exports its spans over OTLP/HTTP to a local sink that drops them (${otlpSink.exports()} exports received); "router (ours)" runs with tracing off, the default.`,
  );
} catch (error) {
  console.error(`\nbench:router failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await Promise.all(services.map((service) => service.stop()));
  await otlpSink?.stop();
}
