import { describe, expect, it } from 'vitest';
import { parseConfig, sharedConfigSchema } from '../src/sharedConfig.ts';

describe('parseConfig', () => {
  it('applies the documented defaults', () => {
    const config = parseConfig(sharedConfigSchema, {}, 'test');
    expect(config).toMatchObject({ NODE_ENV: 'development', ARMOR_MAX_DEPTH: 12, ARMOR_MAX_ALIASES: 15, ARMOR_MAX_TOKENS: 2000, ARMOR_MAX_DIRECTIVES: 50 });
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
