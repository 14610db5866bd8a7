import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sharedConfigSchema } from '@supergraph/common';
import { DEMO_PASSWORD, demoUsers } from '@supergraph/demo';
import { SignJWT } from 'jose';
import { SUBGRAPHS } from '../test/kit/postgres.ts';
import { figure, formatTable, type Column } from './benchTable.ts';
import { loadGraphQL, postGraphQL as post, type LoadFigures, type LoadOptions } from './graphqlLoad.ts';
import { sleep } from './pacing.ts';
import { dropSubgraphDatabases, prepareSubgraphs } from './prepareSubgraphs.ts';
import { cpuSeconds, freePort, postgresCpuSeconds, profileArgs, runService, untilReady, waitForGraphQL, waitForHealth, type Service } from './processes.ts';
import { subgraphCountersSoFar } from './subgraphCounters.ts';

// `npm run bench`: the README's cross-subgraph query over the real subgraphs
// (PostgreSQL), through our router and through a plain @apollo/gateway, one
// gateway at a time against the same subgraph processes, in one run.
// Every server runs in its own process, as in production. Two scenarios:
// every client the same user with the same token (identical requests, which
// in-flight deduplication may share), and every request its own token (users
// in turn, nothing identical to share).
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const WARM_UP_SECONDS = 10;
const query = readFileSync(new URL('../docs/example-query.graphql', import.meta.url), 'utf8');
const body = JSON.stringify({ query });
const PLAIN = 'plain @apollo/gateway';

interface Scenario {
  title: string;
  /** Each request's Authorization header. */
  authorization: () => () => string;
}

/** Load options of one run of a scenario: the README query, each request with the scenario's Authorization header. */
const loadOf = (scenario: Scenario, seconds: number): LoadOptions => {
  const authorization = scenario.authorization();
  return { connections: CONNECTIONS, seconds, body, headersEach: () => ({ authorization: authorization() }) };
};

interface Figures extends LoadFigures {
  /** CPU time of the gateway and the subgraph processes together, per request sent. */
  cpuMsPerRequest: number;
  gatewayCpuMsPerRequest: number;
  postgresCpuMsPerRequest: number;
  sqlPerRequest: number;
  /** GraphQL requests the subgraphs answered, per request sent. */
  fetchesPerRequest: number;
}

const runId = `bench_${randomBytes(3).toString('hex')}`;
const services: Service[] = [];
try {
  console.log('Preparing databases and subgraphs...');
  const env = await prepareSubgraphs(runId, { METRICS_ENABLED: 'true' });
  const subgraphs = SUBGRAPHS.map((name) => ({ name, url: env[`${name.toUpperCase()}_ROUTING_URL`]!, service: runService(`subgraphs/${name}/src/main.ts`, env) }));
  services.push(...subgraphs.map((subgraph) => subgraph.service));
  await Promise.all(subgraphs.map(({ name, url, service }) => untilReady(service, `subgraph ${name}`, (signal) => waitForHealth(url, 60_000, signal))));
  const subgraphUrls = subgraphs.map((subgraph) => subgraph.url);

  // Tokens signed as the users subgraph signs them, each with its own id, so no two requests of the second scenario carry the same one.
  const jwt = sharedConfigSchema.parse(env);
  const secret = new TextEncoder().encode(jwt.JWT_SECRET);
  const mint = async (i: number) => {
    const user = demoUsers[i % demoUsers.length]!;
    const token = await new SignJWT(user.role === 'ADMIN' ? { scope: 'admin' } : {})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setIssuer(jwt.JWT_ISSUER)
      .setAudience(jwt.JWT_AUDIENCE)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(secret);
    return `Bearer ${token}`;
  };
  const distinctTokens = await Promise.all(Array.from({ length: 30_000 }, (_, i) => mint(i)));

  let aliceToken = '';
  const scenarios: Scenario[] = [
    { title: 'same token: every client is Alice sending the same request (in-flight deduplication applies)', authorization: () => () => aliceToken },
    {
      title: 'distinct tokens: every request its own token, four users in turn (nothing identical to deduplicate)',
      authorization: () => {
        let next = 0;
        return () => distinctTokens[next++ % distinctTokens.length]!;
      },
    },
  ];

  const contenders: { name: string; entry: string }[] = [
    { name: 'router (ours)', entry: 'router/src/main.ts' },
    { name: PLAIN, entry: 'bench/plainGateway.ts' },
  ];

  const results = scenarios.map(() => [] as Figures[]);
  console.log(
    `Both gateways in their own processes, answers checked and each warmed up for ${WARM_UP_SECONDS}s first (so the subgraphs are as warm for` +
      ` one as for the other); then one gateway at a time, scenario by scenario, ${SECONDS}s each with ${CONNECTIONS} connections.`,
  );
  const started: { contender: (typeof contenders)[number]; gateway: Service; url: string }[] = [];
  for (const contender of contenders) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/graphql`;
    const gateway = runService(contender.entry, { ...env, ROUTER_PORT: String(port) }, profileArgs());
    services.push(gateway);
    await untilReady(gateway, contender.name, (signal) => waitForGraphQL(url, 60_000, signal));
    started.push({ contender, gateway, url });
  }
  const login = await post(started[0]!.url, {
    query: 'mutation($input: LogInInput!) { logIn(input: $input) { token } }',
    variables: { input: { email: 'alice@example.com', password: DEMO_PASSWORD } },
  });
  aliceToken = `Bearer ${login.data.logIn.token}`;
  let expected: string | undefined;
  for (const { contender, url } of started) {
    // Both gateways must give the same answer, without errors, before their figures mean anything.
    const answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: aliceToken }, body });
    const text = await answer.text();
    if (!answer.ok || text.includes('"errors"') || (expected !== undefined && text !== expected)) {
      throw new Error(`${contender.name} answers the benchmark query with errors, or differently from the first gateway:\n${text.slice(0, 4000)}`);
    }
    expected ??= text;
  }
  for (const { url } of started) await loadGraphQL('warm-up', url, loadOf(scenarios[1]!, WARM_UP_SECONDS));

  // Scenario by scenario, the gateways in turn: the subgraphs have served as much load before one gateway's run as before the other's.
  for (const [i, scenario] of scenarios.entries()) {
    for (const { contender, gateway, url } of started) {
      console.log(`  scenario ${i + 1}: ${contender.name} (pid ${gateway.child.pid})...`);
      const pids = [gateway.child.pid!, ...subgraphs.map((subgraph) => subgraph.service.child.pid!)];
      const cpu = () => pids.map(cpuSeconds);
      const counters = () => subgraphCountersSoFar(subgraphUrls, ['db_statements_total', 'graphql_request_duration_seconds_count']);
      const [cpuBefore, postgresBefore, countersBefore] = [cpu(), postgresCpuSeconds(), await counters()];
      const figures = await loadGraphQL(contender.name, url, loadOf(scenario, SECONDS));
      // Requests cut off when the load stops still run to the end: let them finish before reading the counters.
      await sleep(1000);
      const [cpuAfter, postgresAfter, countersAfter] = [cpu(), postgresCpuSeconds(), await counters()];
      const msPer = (seconds: number) => (seconds * 1000) / figures.sent;
      const perRequest = (metric: string) => (countersAfter[metric]! - countersBefore[metric]!) / figures.sent;
      const used = cpuAfter.map((after, p) => after - cpuBefore[p]!);
      results[i]!.push({
        ...figures,
        cpuMsPerRequest: msPer(used.reduce((sum, seconds) => sum + seconds, 0)),
        gatewayCpuMsPerRequest: msPer(used[0]!),
        postgresCpuMsPerRequest: msPer(postgresAfter - postgresBefore),
        sqlPerRequest: perRequest('db_statements_total'),
        fetchesPerRequest: perRequest('graphql_request_duration_seconds_count'),
      });
    }
  }

  const columns: Column<{ f: Figures; plain: Figures }>[] = [
    { title: 'gateway', width: 24, show: ({ f }) => f.name },
    { title: 'req/s', width: 7, show: ({ f }) => figure(f.rps, 0) },
    { title: 'p50 ms', width: 8, show: ({ f }) => figure(f.p50, 1) },
    { title: 'p95 ms', width: 8, show: ({ f }) => figure(f.p95, 1) },
    { title: 'p99 ms', width: 8, show: ({ f }) => figure(f.p99, 1) },
    { title: 'errors', width: 8, show: ({ f }) => String(f.errors) },
    { title: 'CPU ms/req', width: 12, show: ({ f }) => figure(f.cpuMsPerRequest, 2) },
    { title: 'gateway', width: 9, show: ({ f }) => figure(f.gatewayCpuMsPerRequest, 2) },
    { title: 'postgres', width: 10, show: ({ f }) => figure(f.postgresCpuMsPerRequest, 2) },
    { title: 'SQL/req', width: 9, show: ({ f }) => figure(f.sqlPerRequest, 2) },
    { title: 'fetches/req', width: 13, show: ({ f }) => figure(f.fetchesPerRequest, 2) },
    { title: 'req/s÷plain', width: 13, show: ({ f, plain }) => figure(f.rps / plain.rps, 2) },
    { title: 'p95÷plain', width: 11, show: ({ f, plain }) => figure(f.p95 / plain.p95, 2) },
  ];
  for (const [i, scenario] of scenarios.entries()) {
    const plain = results[i]!.find((f) => f.name === PLAIN)!;
    console.log(`\nScenario ${i + 1}, ${scenario.title}`);
    console.log(formatTable(columns, results[i]!.map((f) => ({ f, plain }))));
  }
  console.log(
    '\nCPU ms/req: user+system CPU time of the gateway and the subgraph processes together per request sent (the goal of issue #10' +
      ' is 10 or less); gateway: the gateway process alone; postgres: the database server\'s processes, outside that sum. SQL/req: statements' +
      ' the subgraphs sent to PostgreSQL per request (their db_statements_total); fetches/req: GraphQL requests they answered per request' +
      ' (their graphql_request_duration_seconds count). ÷plain: against plain @apollo/gateway in the same scenario.',
  );
} catch (error) {
  console.error(`\nbench failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await Promise.all(services.map((service) => service.stop()));
  await dropSubgraphDatabases(runId);
}
