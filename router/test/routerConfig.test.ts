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

  it('reads per-subgraph routing overrides', () => {
    expect(loadRouterConfig({ NOTES_ROUTING_URL: 'http://notes:4002/graphql' }).routingUrls).toEqual({ notes: 'http://notes:4002/graphql' });
  });

  it('refuses to start in production without SUBGRAPH_SIGNING_SECRETS', () => {
    expect(() => loadRouterConfig({ ...production, SUBGRAPH_SIGNING_SECRETS: undefined })).toThrow(/^router: SUBGRAPH_SIGNING_SECRETS must be set in production/);
  });

  it('names an invalid routing override', () => {
    expect(() => loadRouterConfig({ NOTES_ROUTING_URL: 'not a url' })).toThrow();
  });
});
