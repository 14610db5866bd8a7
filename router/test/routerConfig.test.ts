import { describe, expect, it } from 'vitest';
import { loadRouterConfig } from '../src/index.ts';

describe('loadRouterConfig', () => {
  it('serves GraphiQL by default, but not in production unless asked', () => {
    expect(loadRouterConfig({}).GRAPHIQL_ENABLED).toBe(true);
    expect(loadRouterConfig({ NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-32-characters!' }).GRAPHIQL_ENABLED).toBe(false);
    expect(loadRouterConfig({ NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-32-characters!', GRAPHIQL_ENABLED: 'true' }).GRAPHIQL_ENABLED).toBe(true);
  });

  it('limits operation cost to 10000 with lists of 100 by default, and reports cost in results except in production', () => {
    expect(loadRouterConfig({})).toMatchObject({ COST_LIMIT: 10_000, COST_DEFAULT_LIST_SIZE: 100, COST_EXTENSIONS: true });
    const production = { NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-32-characters!' };
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

  it('names an invalid routing override', () => {
    expect(() => loadRouterConfig({ NOTES_ROUTING_URL: 'not a url' })).toThrow();
  });
});
