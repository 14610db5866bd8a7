import { describe, expect, it } from 'vitest';
import { loadRouterConfig } from '../src/index.ts';

const production = {
  NODE_ENV: 'production',
  JWT_SECRET: 'a-production-secret-of-32-characters!',
  SUBGRAPH_SIGNING_SECRETS: `whsec_${Buffer.from('s'.repeat(32)).toString('base64')}`,
};

describe('loadRouterConfig', () => {
  it('serves GraphiQL by default, but not in production unless asked', () => {
    expect(loadRouterConfig({}).GRAPHIQL_ENABLED).toBe(true);
    expect(loadRouterConfig(production).GRAPHIQL_ENABLED).toBe(false);
    expect(loadRouterConfig({ ...production, GRAPHIQL_ENABLED: 'true' }).GRAPHIQL_ENABLED).toBe(true);
  });

  it('limits rates by default, trusting no proxy and counting locally while Redis is away', () => {
    expect(loadRouterConfig({})).toMatchObject({
      TRUSTED_PROXY_HOPS: 0,
      RATE_LIMIT_IP_OPERATIONS: 600,
      RATE_LIMIT_USER_OPERATIONS: 300,
      RATE_LIMIT_WINDOW_SECONDS: 60,
      RATE_LIMIT_FIELD_MULTIPLIER: 1,
      RATE_LIMIT_KEY_PREFIX: 'ratelimit',
      RATE_LIMIT_REDIS_FAILURE: 'local',
    });
    expect(() => loadRouterConfig({ RATE_LIMIT_REDIS_FAILURE: 'sometimes' })).toThrow(/RATE_LIMIT_REDIS_FAILURE/);
    expect(() => loadRouterConfig({ RATE_LIMIT_IP_OPERATIONS: '0' })).toThrow(/RATE_LIMIT_IP_OPERATIONS/);
  });

  it('limits operation cost to 10000 with lists of 100 by default, and reports cost in results except in production', () => {
    expect(loadRouterConfig({})).toMatchObject({ COST_LIMIT: 10_000, COST_DEFAULT_LIST_SIZE: 100, COST_EXTENSIONS: true });
    expect(loadRouterConfig(production).COST_EXTENSIONS).toBe(false);
    expect(loadRouterConfig({ ...production, COST_EXTENSIONS: 'true', COST_LIMIT: '500', COST_DEFAULT_LIST_SIZE: '10' })).toMatchObject({
      COST_EXTENSIONS: true,
      COST_LIMIT: 500,
      COST_DEFAULT_LIST_SIZE: 10,
    });
  });

  it('names an invalid cost limit', () => {
    expect(() => loadRouterConfig({ COST_LIMIT: '0' })).toThrow(/COST_LIMIT/);
  });

  it('reads per-subgraph routing overrides', () => {
    expect(loadRouterConfig({ NOTES_ROUTING_URL: 'http://notes:4002/graphql' }).routingUrls).toEqual({ notes: 'http://notes:4002/graphql' });
  });

  it('refuses to start in production without SUBGRAPH_SIGNING_SECRETS', () => {
    expect(() => loadRouterConfig({ ...production, SUBGRAPH_SIGNING_SECRETS: undefined })).toThrow(/^router: SUBGRAPH_SIGNING_SECRETS must be set in production/);
  });

  it('names an invalid routing override', () => {
    expect(() => loadRouterConfig({ NOTES_ROUTING_URL: 'not a url' })).toThrow();
  });

  it('caps WebSockets by default, and names a cap that is not a positive integer', () => {
    const config = loadRouterConfig({});
    expect({
      perSocket: config.WS_MAX_SUBSCRIPTIONS_PER_SOCKET,
      perUser: config.WS_MAX_SUBSCRIPTIONS_PER_USER,
      socketsPerUser: config.WS_MAX_SOCKETS_PER_USER,
      perIp: config.WS_MAX_SUBSCRIPTIONS_PER_IP,
      socketsPerIp: config.WS_MAX_SOCKETS_PER_IP,
      perRouter: config.WS_MAX_SUBSCRIPTIONS_PER_ROUTER,
    }).toEqual({ perSocket: 100, perUser: 200, socketsPerUser: 10, perIp: 500, socketsPerIp: 50, perRouter: 10_000 });
    expect(() => loadRouterConfig({ WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '0' })).toThrow(/WS_MAX_SUBSCRIPTIONS_PER_SOCKET/);
    expect(() => loadRouterConfig({ WS_MAX_SOCKETS_PER_IP: 'many' })).toThrow(/WS_MAX_SOCKETS_PER_IP/);
  });
});
