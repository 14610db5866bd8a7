import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { JwtSettings } from '@supergraph/common';
import { DEMO_PASSWORD } from '@supergraph/demo';
import { SUBGRAPHS } from '../test/kit/postgres.ts';
import { deleteBridgeTopology } from '../test/kit/rabbitmq.ts';
import { TEST_JWT } from '../test/kit/tokens.ts';
import { postGraphQL } from './graphqlLoad.ts';
import { until } from './pacing.ts';
import { dropSubgraphDatabases, prepareSubgraphs } from './prepareSubgraphs.ts';
import { cpuSeconds, freePort, runService, waitForGraphQL, type Service } from './processes.ts';

const AMQP_URL = process.env.BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Node options for the router, to see where its time goes (`BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"`). */
const NODE_ARGS = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
/** Node options for every subgraph, as BENCH_NODE_ARGS for the router. */
const SUBGRAPH_NODE_ARGS = process.env.BENCH_SUBGRAPH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];

export interface SubscriptionPipeline {
  /** The router's `/graphql`, over HTTP. */
  url: string;
  /** What signs tokens the router accepts. */
  jwt: JwtSettings;
  /** Subscribers now, and resolutions so far, as the router's `/health` reports them. */
  health(): Promise<{ subscriptions: number; resolutions: number }>;
  /** Waits until the router holds as many subscribers as `holds` wants; fails naming `what` if it never does. */
  untilSubscriptions(what: string, holds: (count: number) => boolean, timeoutMs?: number): Promise<void>;
  /** The pipeline's own processes by pid, named (router, bridge, each subgraph): for `processCpu`. */
  processes: ReadonlyMap<number, string>;
  /** Every subgraph's `/graphql`, for their `/metrics`. */
  subgraphUrls: string[];
  /** CPU seconds the router process has used so far. */
  routerCpuSeconds(): number;
  /** The router process's resident set size, in KB. */
  routerRssKb(): number;
  /** Creates one note as a demo user: one `NoteCreated` event through the outbox. */
  createNote(i: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole real pipeline, each part in its own process: the three
 * subgraphs (outbox and relay included), RabbitMQ, the bridge, Redis and
 * the router, with `routerEnv` added to the router's settings (its caps).
 */
export async function startSubscriptionPipeline(routerEnv: NodeJS.ProcessEnv): Promise<SubscriptionPipeline> {
  const namespace = `sg_bench_${randomBytes(3).toString('hex')}`;
  const services: Service[] = [];
  const stop = async () => {
    await Promise.all(services.map((service) => service.stop()));
    await dropSubgraphDatabases(namespace);
    await deleteBridgeTopology(namespace, AMQP_URL);
  };
  try {
    const env = await prepareSubgraphs(namespace, { AMQP_URL, AMQP_EXCHANGE: `${namespace}.events` });
    const processes = new Map<number, string>();
    const named = (name: string, service: Service) => {
      processes.set(service.child.pid!, name);
      services.push(service);
      return service;
    };
    named(
      'bridge',
      runService('bridge/src/main.ts', {
        ...env,
        REDIS_URL,
        BRIDGE_EXCHANGE: `${namespace}.events`,
        BRIDGE_QUEUE: `${namespace}.bridge`,
        BRIDGE_CHANNEL_PREFIX: `${namespace}:`,
        BRIDGE_PORT: String(await freePort()),
      }),
    );
    for (const name of SUBGRAPHS) named(name, runService(`subgraphs/${name}/src/main.ts`, env, SUBGRAPH_NODE_ARGS));
    const routerPort = await freePort();
    const router = named('router', runService('router/src/main.ts', {
      ...env,
      ...routerEnv,
      ROUTER_PORT: String(routerPort),
      REDIS_URL,
      EVENTS_CHANNEL_PREFIX: `${namespace}:`,
      RATE_LIMIT_KEY_PREFIX: `${namespace}:ratelimit`,
    }, NODE_ARGS));
    const url = `http://127.0.0.1:${routerPort}/graphql`;
    await waitForGraphQL(url);

    const post = (body: unknown, token?: string) => postGraphQL(url, body, token);
    const login = await post({ query: `mutation { logIn(input: { email: "alice@example.com", password: "${DEMO_PASSWORD}" }) { token } }` });
    const token = login.data.logIn.token as string;

    const health = async () => (await fetch(url.replace(/\/graphql$/, '/health'))).json() as Promise<{ subscriptions: number; resolutions: number }>;
    return {
      url,
      processes,
      subgraphUrls: SUBGRAPHS.map((name) => env[`${name.toUpperCase()}_ROUTING_URL`]!),
      // The bench's secret; issuer and audience as the router reads them (the services' defaults, as the test kit's).
      jwt: { JWT_SECRET: env.JWT_SECRET!, JWT_ISSUER: env.JWT_ISSUER ?? TEST_JWT.JWT_ISSUER, JWT_AUDIENCE: env.JWT_AUDIENCE ?? TEST_JWT.JWT_AUDIENCE },
      health,
      untilSubscriptions: async (what, holds, timeoutMs = 60_000) => {
        if (!(await until(async () => holds((await health()).subscriptions), timeoutMs))) {
          throw new Error(`${what}: the router holds ${(await health()).subscriptions} subscriptions`);
        }
      },
      routerCpuSeconds: () => cpuSeconds(router.child.pid!),
      routerRssKb: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${router.child.pid}/status`, 'utf8'))![1]),
      createNote: async (i) => {
        // One document with variables, as a client sends it: the router plans it once, not once per note.
        const created = await post({ query: 'mutation CreateNote($input: CreateNoteInput!) { createNote(input: $input) { id } }', variables: { input: { title: `bench ${i}`, content: '.' } } }, token);
        // A note not created is an event never delivered: say why now, not after the run's 30 s wait.
        if (created.errors) throw new Error(`createNote ${i} failed: ${JSON.stringify(created.errors)}`);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
