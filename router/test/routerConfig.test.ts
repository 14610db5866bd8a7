import { describe, expect, it } from 'vitest';
import { loadRouterConfig } from '../src/index.ts';

describe('loadRouterConfig', () => {
  it('serves GraphiQL by default, but not in production unless asked', () => {
    expect(loadRouterConfig({}).GRAPHIQL_ENABLED).toBe(true);
    expect(loadRouterConfig({ NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-32-characters!' }).GRAPHIQL_ENABLED).toBe(false);
    expect(loadRouterConfig({ NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-32-characters!', GRAPHIQL_ENABLED: 'true' }).GRAPHIQL_ENABLED).toBe(true);
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

  it('reads per-subgraph routing overrides', () => {
    expect(loadRouterConfig({ NOTES_ROUTING_URL: 'http://notes:4002/graphql' }).routingUrls).toEqual({ notes: 'http://notes:4002/graphql' });
  });

  it('names an invalid routing override', () => {
    expect(() => loadRouterConfig({ NOTES_ROUTING_URL: 'not a url' })).toThrow();
  });
});
