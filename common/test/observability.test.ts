import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import { serveGraphQL, type RunningServer } from '../src/serveGraphQL.ts';
import { parseConfig, sharedConfigSchema } from '../src/sharedConfig.ts';
import { scrapeMetrics } from '../../test/kit/prometheus.ts';

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      hello: { type: GraphQLString, resolve: () => 'world' },
      broken: {
        type: GraphQLString,
        resolve: () => {
          throw new Error('boom');
        },
      },
    },
  }),
});

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function serve(env: NodeJS.ProcessEnv = {}, dependencies?: Record<string, () => Promise<unknown>>) {
  server = await serveGraphQL({
    name: 'probe',
    port: 0,
    host: '127.0.0.1',
    config: parseConfig(sharedConfigSchema, { READINESS_CACHE_MS: '0', ...env }, 'probe'),
    logger: createLogger('probe', 'silent'),
    apollo: { schema },
    dependencies,
    context: async () => ({}),
  });
  return server;
}

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const at = (url: string, path: string) => url.replace(/\/graphql$/, path);
const requests = async (url: string) => {
  const metrics = await scrapeMetrics(url);
  return (operation_name: string, outcome: string) => metrics.value('graphql_request_duration_seconds_count', { operation_name, outcome, service: 'probe' });
};

describe('/metrics', () => {
  it('counts requests by operation name and outcome: ok, error, rejected', async () => {
    const { url } = await serve();
    await post(url, { query: 'query Greeting { hello }' });
    await post(url, { query: 'query Greeting { hello }' });
    await post(url, { query: 'query Broken { broken }' });
    await post(url, { query: 'query Invalid { nope }' });
    const count = await requests(url);
    expect(count('Greeting', 'ok')).toBe(2);
    expect(count('Broken', 'error')).toBe(1);
    // A document that never ran takes no place among the operation names.
    expect(count('other', 'rejected')).toBe(1);
    expect(count('Invalid', 'rejected')).toBe(0);
    expect((await scrapeMetrics(url)).has('process_cpu_user_seconds_total', { service: 'probe' })).toBe(true);
  });

  it('counts names beyond METRICS_MAX_OPERATION_NAMES as other', async () => {
    const { url } = await serve({ METRICS_MAX_OPERATION_NAMES: '1' });
    for (const name of ['First', 'Second', 'Third']) await post(url, { query: `query ${name} { hello }` });
    const count = await requests(url);
    expect(count('First', 'ok')).toBe(1);
    expect(count('other', 'ok')).toBe(2);
    expect(count('Second', 'ok')).toBe(0);
  });

  it('answers only scrapes with the bearer token when METRICS_TOKEN is set', async () => {
    const { url } = await serve({ METRICS_TOKEN: 'a-scrape-token-of-some-length' });
    expect((await fetch(at(url, '/metrics'))).status).toBe(401);
    expect((await fetch(at(url, '/metrics'), { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const scrape = await fetch(at(url, '/metrics'), { headers: { authorization: 'Bearer a-scrape-token-of-some-length' } });
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toContain('graphql_request_duration_seconds');
  });

  it('is not served when METRICS_ENABLED=false', async () => {
    const { url } = await serve({ METRICS_ENABLED: 'false' });
    expect((await fetch(at(url, '/metrics'))).status).toBe(404);
  });
});

describe('/health', () => {
  it('answers live whatever its dependencies, and ready only when they answer, naming the one down', async () => {
    let databaseUp = false;
    const { url } = await serve({}, {
      database: async () => {
        if (!databaseUp) throw new Error('connection refused by 10.1.2.3');
      },
    });
    expect((await fetch(at(url, '/health/live'))).status).toBe(200);
    const unready = await fetch(at(url, '/health/ready'));
    expect(unready.status).toBe(503);
    const body = await unready.text();
    expect(JSON.parse(body)).toEqual({ status: 'unavailable', service: 'probe', dependencies: { database: 'down' } });
    expect(body).not.toContain('10.1.2.3');
    expect((await fetch(at(url, '/health'))).status).toBe(503);

    databaseUp = true;
    expect(await (await fetch(at(url, '/health/ready'))).json()).toEqual({ status: 'ok', service: 'probe', dependencies: { database: 'up' } });
    expect((await fetch(at(url, '/health'))).status).toBe(200);
  });
});
