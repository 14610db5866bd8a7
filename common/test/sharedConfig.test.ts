import { describe, expect, it } from 'vitest';
import { parseConfig, sharedConfigSchema, subgraphSigningConfigSchema } from '../src/sharedConfig.ts';

describe('parseConfig', () => {
  it('applies the documented defaults', () => {
    const config = parseConfig(sharedConfigSchema, {}, 'test');
    expect(config).toMatchObject({ NODE_ENV: 'development', ARMOR_MAX_DEPTH: 12, ARMOR_MAX_ALIASES: 15, ARMOR_MAX_TOKENS: 2000, ARMOR_MAX_DIRECTIVES: 50 });
  });

  it('reads a blank METRICS_TOKEN as unset and refuses one shorter than 16 characters', () => {
    expect(parseConfig(sharedConfigSchema, { METRICS_TOKEN: ' ' }, 'svc').METRICS_TOKEN).toBeUndefined();
    expect(parseConfig(sharedConfigSchema, { METRICS_TOKEN: 'a-token-of-16-chars' }, 'svc').METRICS_TOKEN).toBe('a-token-of-16-chars');
    expect(() => parseConfig(sharedConfigSchema, { METRICS_TOKEN: 'short' }, 'svc')).toThrow(/METRICS_TOKEN/);
  });

  it('names every invalid setting', () => {
    expect(() => parseConfig(sharedConfigSchema, { ARMOR_MAX_DEPTH: 'deep', LOG_LEVEL: 'loud' }, 'svc')).toThrow(
      /svc: invalid configuration[\s\S]*ARMOR_MAX_DEPTH[\s\S]*LOG_LEVEL|svc: invalid configuration[\s\S]*LOG_LEVEL[\s\S]*ARMOR_MAX_DEPTH/,
    );
  });

  it('refuses to start in production with the development JWT secret', () => {
    expect(() => parseConfig(sharedConfigSchema, { NODE_ENV: 'production' }, 'svc')).toThrow(/JWT_SECRET must be set/);
  });

  it('rejects a JWT secret shorter than 32 characters', () => {
    expect(() => parseConfig(sharedConfigSchema, { JWT_SECRET: 'short' }, 'svc')).toThrow(/JWT_SECRET/);
  });
});

describe('SUBGRAPH_SIGNING_SECRETS', () => {
  const signingSchema = sharedConfigSchema.extend(subgraphSigningConfigSchema.shape);
  const production = { NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-32-characters!' };
  const secret = (bytes: number, fill = 'k') => Buffer.from(fill.repeat(bytes)).toString('base64');

  it('reads a comma-separated list in order, with or without the whsec_ prefix, trimming spaces', () => {
    const config = parseConfig(signingSchema, { SUBGRAPH_SIGNING_SECRETS: ` whsec_${secret(32, 'n')} , ${secret(24, 'o')}` }, 'svc');
    expect(config.SUBGRAPH_SIGNING_SECRETS).toEqual([`whsec_${secret(32, 'n')}`, secret(24, 'o')]);
  });

  it('is unset when missing or blank, which a development service accepts', () => {
    expect(parseConfig(signingSchema, {}, 'svc').SUBGRAPH_SIGNING_SECRETS).toBeUndefined();
    expect(parseConfig(signingSchema, { SUBGRAPH_SIGNING_SECRETS: '  ' }, 'svc').SUBGRAPH_SIGNING_SECRETS).toBeUndefined();
  });

  it('refuses to start a production router or subgraph without it, saying what it is for', () => {
    expect(() => parseConfig(signingSchema, production, 'router')).toThrow(
      /^router: SUBGRAPH_SIGNING_SECRETS must be set in production \(the router signs every subgraph request with it and subgraphs refuse unsigned ones; e\.g\. whsec_\$\(openssl rand -base64 32\)/,
    );
    expect(() => parseConfig(signingSchema, { ...production, SUBGRAPH_SIGNING_SECRETS: '' }, 'router')).toThrow(/SUBGRAPH_SIGNING_SECRETS must be set in production/);
    expect(parseConfig(signingSchema, { ...production, SUBGRAPH_SIGNING_SECRETS: secret(32) }, 'router').SUBGRAPH_SIGNING_SECRETS).toHaveLength(1);
  });

  it('is not asked of a production service whose schema does not declare it (the bridge)', () => {
    expect(parseConfig(sharedConfigSchema, production, 'bridge').NODE_ENV).toBe('production');
  });

  it('names a secret that is not base64 by its position, without repeating it', () => {
    const attempt = () => parseConfig(signingSchema, { SUBGRAPH_SIGNING_SECRETS: `${secret(32)},not base64!` }, 'svc');
    expect(attempt).toThrow(/svc: invalid configuration\n {2}SUBGRAPH_SIGNING_SECRETS: secret 2 of 2 is not base64 \(optionally prefixed whsec_\)$/);
    expect(attempt).not.toThrow(/not base64!/);
  });

  it('refuses a secret shorter than 24 bytes and an empty entry', () => {
    expect(() => parseConfig(signingSchema, { SUBGRAPH_SIGNING_SECRETS: `whsec_${secret(16)}` }, 'svc')).toThrow(
      /secret 1 of 1 decodes to 16 bytes; use at least 24 random bytes/,
    );
    expect(() => parseConfig(signingSchema, { SUBGRAPH_SIGNING_SECRETS: `${secret(32)},` }, 'svc')).toThrow(/secret 2 of 2 is empty/);
  });
});
