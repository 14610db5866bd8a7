import { describe, expect, it } from 'vitest';
import { loadRouterConfig } from '../src/index.ts';

describe('loadRouterConfig', () => {
  it('serves GraphiQL by default, but not in production unless asked', () => {
    expect(loadRouterConfig({}).GRAPHIQL_ENABLED).toBe(true);
    expect(loadRouterConfig({ NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-32-characters!' }).GRAPHIQL_ENABLED).toBe(false);
    expect(loadRouterConfig({ NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-32-characters!', GRAPHIQL_ENABLED: 'true' }).GRAPHIQL_ENABLED).toBe(true);
  });

  it('reads per-subgraph routing overrides', () => {
    expect(loadRouterConfig({ NOTES_ROUTING_URL: 'http://notes:4002/graphql' }).routingUrls).toEqual({ notes: 'http://notes:4002/graphql' });
  });

  it('names an invalid routing override', () => {
    expect(() => loadRouterConfig({ NOTES_ROUTING_URL: 'not a url' })).toThrow();
  });
});
