import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DEMO_PASSWORD } from '@supergraph/demo';
import { SUBGRAPHS } from '../test/kit/postgres.ts';
import { loadGraphQL, postGraphQL as post, type LoadFigures } from './graphqlLoad.ts';
import { dropSubgraphDatabases, prepareSubgraphs } from './prepareSubgraphs.ts';
import { freePort, runService, waitForGraphQL, waitForHealth, type Service } from './processes.ts';

// `npm run bench`: the README's cross-subgraph query through our router and
// through a plain @apollo/gateway, over the same three subgraph processes, in
// one run. Every server runs in its own process, as in production.
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const query = readFileSync(new URL('../docs/example-query.graphql', import.meta.url), 'utf8');

const load = (name: string, url: string, token: string, seconds: number) =>
  loadGraphQL(name, url, { connections: CONNECTIONS, seconds, headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });

const runId = `bench_${randomBytes(3).toString('hex')}`;
const services: Service[] = [];
try {
  console.log('Preparing databases and subgraphs...');
  const env = await prepareSubgraphs(runId);
  for (const name of SUBGRAPHS) services.push(runService(`subgraphs/${name}/src/main.ts`, env));

  const routerPort = await freePort();
  const plainPort = await freePort();
  // BENCH_PROFILE=<dir> writes a CPU profile of our router there.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  services.push(runService('router/src/main.ts', { ...env, ROUTER_PORT: String(routerPort) }, profile));
  services.push(runService('bench/plainGateway.ts', { ...env, ROUTER_PORT: String(plainPort) }));
  const routerUrl = `http://127.0.0.1:${routerPort}/graphql`;
  const plainUrl = `http://127.0.0.1:${plainPort}/graphql`;
  await Promise.all([...SUBGRAPHS.map((name) => waitForHealth(env[`${name.toUpperCase()}_ROUTING_URL`]!)), waitForGraphQL(routerUrl), waitForGraphQL(plainUrl)]);

  const login = await post(routerUrl, {
    query: 'mutation($input: LogInInput!) { logIn(input: $input) { token } }',
    variables: { input: { email: 'alice@example.com', password: DEMO_PASSWORD } },
  });
  const token: string = login.data.logIn.token;
  const [ours, theirs] = [await post(routerUrl, { query }, token), await post(plainUrl, { query }, token)];
  if (ours.errors || theirs.errors || JSON.stringify(ours) !== JSON.stringify(theirs)) {
    throw new Error(`The two gateways disagree on the benchmark query:\n${JSON.stringify({ ours, theirs }, null, 2)}`);
  }

  console.log(`Each gateway in its own process; warm-up, then ${SECONDS}s each with ${CONNECTIONS} connections...`);
  await load('warm-up', routerUrl, token, 3);
  await load('warm-up', plainUrl, token, 3);
  const a = await load('router (ours)', routerUrl, token, SECONDS);
  const b = await load('plain @apollo/gateway', plainUrl, token, SECONDS);

  const row = (f: LoadFigures) =>
    `${f.name.padEnd(24)}${f.rps.toFixed(0).padStart(8)}${f.p50.toFixed(1).padStart(9)}${f.p95.toFixed(1).padStart(9)}${f.p99.toFixed(1).padStart(9)}${String(f.errors).padStart(8)}`;
  console.log(`\n${'gateway'.padEnd(24)}${'req/s'.padStart(8)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'errors'.padStart(8)}`);
  console.log(row(a));
  console.log(row(b));
  console.log(
    `${'ratio ours/plain'.padEnd(24)}${(a.rps / b.rps).toFixed(2).padStart(8)}${(a.p50 / b.p50).toFixed(2).padStart(9)}${(a.p95 / b.p95).toFixed(2).padStart(9)}${(a.p99 / b.p99).toFixed(2).padStart(9)}`,
  );
} finally {
  await Promise.all(services.map((service) => service.stop()));
  await dropSubgraphDatabases(runId);
}
