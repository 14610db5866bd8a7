import { describe, expect, it } from 'vitest';
import { allowsHttp, loadWebhooksConfig } from '../src/config.ts';

const base = { WEBHOOKS_DATABASE_URL: 'postgresql://127.0.0.1/webhooks' };
const production = { ...base, NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-at-least-32-characters', SUBGRAPH_SIGNING_SECRETS: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', WEBHOOKS_SECRETS_KEY: Buffer.alloc(32, 7).toString('base64') };

describe('webhooks configuration', () => {
  it('accepts http endpoints outside production only', () => {
    expect(allowsHttp(loadWebhooksConfig(base))).toBe(true);
    expect(allowsHttp(loadWebhooksConfig(production))).toBe(false);
  });

  it('refuses the test allowances in production, naming the setting', () => {
    expect(() => loadWebhooksConfig({ ...production, WEBHOOKS_ALLOW_LOOPBACK: 'true' })).toThrow(/WEBHOOKS_ALLOW_LOOPBACK: production sends webhooks only over https/);
    expect(() => loadWebhooksConfig({ ...production, WEBHOOKS_ALLOW_HTTP: 'true' })).toThrow(/WEBHOOKS_ALLOW_LOOPBACK: production sends webhooks only over https/);
  });

  it('needs a 32-byte secrets key in production', () => {
    const { WEBHOOKS_SECRETS_KEY: _omitted, ...unsealed } = production;
    expect(() => loadWebhooksConfig(unsealed)).toThrow(/WEBHOOKS_SECRETS_KEY: must be set in production/);
    expect(() => loadWebhooksConfig({ ...production, WEBHOOKS_SECRETS_KEY: 'c2hvcnQ=' })).toThrow(/WEBHOOKS_SECRETS_KEY: must be base64 of 32 bytes; got 5 bytes/);
  });

  it('needs its database and the signing secrets in production', () => {
    expect(() => loadWebhooksConfig({})).toThrow(/WEBHOOKS_DATABASE_URL/);
    const { SUBGRAPH_SIGNING_SECRETS: _omitted, ...unsigned } = production;
    expect(() => loadWebhooksConfig(unsigned)).toThrow('webhooks: SUBGRAPH_SIGNING_SECRETS must be set in production');
  });
});
