import { describe, expect, it } from 'vitest';
import { loadBridgeConfig } from '../src/index.ts';

describe('loadBridgeConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadBridgeConfig({ AMQP_URL: 'amqp://localhost', REDIS_URL: 'redis://localhost' })).toMatchObject({
      BRIDGE_EXCHANGE: 'supergraph.events',
      BRIDGE_QUEUE: 'supergraph.bridge',
      BRIDGE_PREFETCH: 50,
      BRIDGE_PORT: 4010,
      BRIDGE_HOST: '127.0.0.1',
      BRIDGE_DEDUPE_TTL_SECONDS: 86_400,
      BRIDGE_DEDUPE_PREFIX: 'dedupe:',
      BRIDGE_CHANNEL_PREFIX: '',
      BRIDGE_MAX_ATTEMPTS: 5,
      BRIDGE_HISTORY_RETENTION_SECONDS: 3_600,
      BRIDGE_HISTORY_MAX_LENGTH: 100_000,
    });
  });

  it('refuses a history retention longer than event ids are remembered, since events are found in it by id', () => {
    const env = { AMQP_URL: 'amqp://localhost', REDIS_URL: 'redis://localhost', BRIDGE_DEDUPE_TTL_SECONDS: '600', BRIDGE_HISTORY_RETENTION_SECONDS: '601' };
    expect(() => loadBridgeConfig(env)).toThrow(/BRIDGE_HISTORY_RETENTION_SECONDS: must not exceed BRIDGE_DEDUPE_TTL_SECONDS/);
    expect(loadBridgeConfig({ ...env, BRIDGE_HISTORY_RETENTION_SECONDS: '600' }).BRIDGE_HISTORY_RETENTION_SECONDS).toBe(600);
  });

  it('accepts port 0, for a free port', () => {
    expect(loadBridgeConfig({ AMQP_URL: 'amqp://localhost', REDIS_URL: 'redis://localhost', BRIDGE_PORT: '0' }).BRIDGE_PORT).toBe(0);
  });

  it('names every missing or invalid setting', () => {
    expect(() => loadBridgeConfig({ BRIDGE_PREFETCH: '0' })).toThrow(
      /bridge: invalid configuration\n(?=[\s\S]*AMQP_URL)(?=[\s\S]*REDIS_URL)(?=[\s\S]*BRIDGE_PREFETCH)/,
    );
  });
});
