import { describe, expect, it } from 'vitest';
import { Readiness } from '../src/health/readiness.ts';

const up = async () => {};
const down = async () => {
  throw new Error('connect ECONNREFUSED 10.0.0.7:5432 as user admin');
};
const never = () => new Promise<never>(() => {});

describe('Readiness', () => {
  it('is ready when every dependency answers, and names each as up', async () => {
    const report = await new Readiness({ database: up, redis: up }, { timeoutMs: 1000, cacheMs: 0 }).check();
    expect(report).toMatchObject({ ready: true, dependencies: { database: 'up', redis: 'up' } });
  });

  it('names the dependency that is down and keeps its error for the log alone', async () => {
    const report = await new Readiness({ database: down, redis: up }, { timeoutMs: 1000, cacheMs: 0 }).check();
    expect(report.ready).toBe(false);
    expect(report.dependencies).toEqual({ database: 'down', redis: 'up' });
    expect(JSON.stringify(report.dependencies)).not.toContain('ECONNREFUSED');
    expect(String(report.failures.database)).toContain('ECONNREFUSED');
  });

  it('counts a dependency that does not answer within the timeout as down instead of hanging the probe', async () => {
    const report = await new Readiness({ database: never, redis: up }, { timeoutMs: 50, cacheMs: 0 }).check();
    expect(report.dependencies).toEqual({ database: 'down', redis: 'up' });
  });

  it('counts a check that throws before returning a promise as down', async () => {
    const report = await new Readiness({ broken: () => { throw new Error('no client yet'); } }, { timeoutMs: 1000, cacheMs: 0 }).check();
    expect(report.dependencies).toEqual({ broken: 'down' });
  });

  it('asks the dependencies once per cache period, however many probes arrive', async () => {
    let asked = 0;
    const readiness = new Readiness({ database: async () => void asked++ }, { timeoutMs: 1000, cacheMs: 60_000 });
    await Promise.all([readiness.check(), readiness.check(), readiness.check()]);
    await readiness.check();
    expect(asked).toBe(1);
  });

  it('asks again on every probe without a cache period', async () => {
    let asked = 0;
    const readiness = new Readiness({ database: async () => void asked++ }, { timeoutMs: 1000, cacheMs: 0 });
    await readiness.check();
    await readiness.check();
    expect(asked).toBe(2);
  });

  it('reads dependencies that change while running from a function at each check', async () => {
    let checks: Record<string, () => Promise<void>> = { a: up };
    const readiness = new Readiness(() => checks, { timeoutMs: 1000, cacheMs: 0 });
    expect((await readiness.check()).dependencies).toEqual({ a: 'up' });
    checks = { b: down };
    expect((await readiness.check()).dependencies).toEqual({ b: 'down' });
  });
});
