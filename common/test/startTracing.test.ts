import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTracing, parseConfig, sharedConfigSchema, startTracing, withSpan } from '../src/index.ts';

/** An OTLP/HTTP receiver on 127.0.0.1 that keeps what is POSTed to /v1/traces. */
async function startOtlpReceiver() {
  const received: { contentType: string | undefined; body: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') received.push({ contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString() });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
beforeAll(async () => void (receiver = await startOtlpReceiver()));
afterAll(() => receiver.stop());

describe('startTracing', () => {
  it('installs nothing without OTEL_EXPORTER_OTLP_ENDPOINT, nor with OTEL_TRACES_ENABLED=false', () => {
    expect(startTracing(parseConfig(sharedConfigSchema, {}, 'svc'), 'svc')).toBeNull();
    expect(startTracing(parseConfig(sharedConfigSchema, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_TRACES_ENABLED: 'false' }, 'svc'), 'svc')).toBeNull();
    expect(isTracing()).toBe(false);
  });

  it("exports spans over OTLP/HTTP to the endpoint's /v1/traces, under the service's name", async () => {
    const tracing = startTracing(parseConfig(sharedConfigSchema, { OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.url}/`, LOG_LEVEL: 'silent' }, 'svc'), 'inventory')!;
    expect(isTracing()).toBe(true);
    await withSpan('inventory', 'count the shelves', {}, async () => {});
    // Shutting down flushes the batch.
    await tracing.shutdown();
    expect(isTracing()).toBe(false);
    expect(receiver.received).toHaveLength(1);
    const [{ contentType, body }] = receiver.received as [{ contentType: string; body: string }];
    expect(contentType).toMatch(/^application\/(json|x-protobuf)/);
    expect(body).toContain('count the shelves');
    expect(body).toContain('inventory');
  });

  it('stops without failing when the collector is unreachable', async () => {
    const down = await startOtlpReceiver();
    await down.stop();
    const tracing = startTracing(parseConfig(sharedConfigSchema, { OTEL_EXPORTER_OTLP_ENDPOINT: down.url, LOG_LEVEL: 'silent' }, 'svc'), 'svc')!;
    await withSpan('svc', 'lost', {}, async () => {});
    await expect(tracing.shutdown()).resolves.toBeUndefined();
    expect(isTracing()).toBe(false);
  });
});

describe('the tracing settings', () => {
  it('default to off, everything sampled', () => {
    const config = parseConfig(sharedConfigSchema, {}, 'svc');
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(config).toMatchObject({ OTEL_TRACES_ENABLED: true, OTEL_TRACES_SAMPLER_ARG: 1 });
  });

  it('take a blank endpoint as unset, as docker-compose passes an unset variable', () => {
    expect(parseConfig(sharedConfigSchema, { OTEL_EXPORTER_OTLP_ENDPOINT: '' }, 'svc').OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
  });

  it.each([
    ['an endpoint that is not a URL', { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT'],
    ['a sampling ratio above 1', { OTEL_TRACES_SAMPLER_ARG: '1.5' }, 'OTEL_TRACES_SAMPLER_ARG'],
  ])('reject %s', (_label, env, name) => {
    expect(() => parseConfig(sharedConfigSchema, env, 'svc')).toThrow(name);
  });
});
