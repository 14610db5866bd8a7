import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTracing, recordSpans, TRACEPARENT_PATTERN, type SpanRecorder } from '@supergraph/common';
import { graphql } from '../test/kit/graphql.ts';
import { routerRecordingUsers } from '../test/kit/recordingProxy.ts';

// The router in front of a proxy that records what reaches the users
// subgraph. The file starts with tracing off; the second block turns it on.
const recorded = routerRecordingUsers();

const usersQuery = (requestId: string) => graphql(recorded.router.url, '{ users(first: 1) { totalCount } }', {}, { headers: { 'x-request-id': requestId } });
const forwarded = (requestId: string) => recorded.proxy.requests.find((headers) => headers['x-request-id'] === requestId)!;

describe('with tracing off', () => {
  it('registers no tracer provider and sends subgraphs no traceparent', async () => {
    expect(isTracing()).toBe(false);
    // The API's no-op tracer stands in: its spans record nothing.
    expect(trace.getTracer('any').startSpan('probe').isRecording()).toBe(false);
    await usersQuery('off-1');
    expect(forwarded('off-1')).toBeDefined();
    expect(forwarded('off-1')).not.toHaveProperty('traceparent');
  });

  it("ignores a client's traceparent rather than passing it on", async () => {
    await graphql(recorded.router.url, '{ users(first: 1) { totalCount } }', {}, {
      headers: { 'x-request-id': 'off-2', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    });
    expect(forwarded('off-2')).not.toHaveProperty('traceparent');
  });
});

describe('with tracing on', () => {
  // One registration for the rest of the file: the gateway keeps the tracer of the first provider it saw.
  let recorder: SpanRecorder;
  beforeAll(() => void (recorder = recordSpans()));
  afterAll(() => recorder.shutdown());

  it("sends each subgraph a valid traceparent naming the router's fetch span, and the subgraph's spans nest under it", async () => {
    await usersQuery('on-1');
    const traceparent = String(forwarded('on-1').traceparent);
    expect(traceparent).toMatch(TRACEPARENT_PATTERN);
    const [, traceId, parentId] = traceparent.split('-');
    const spans = recorder.spans().filter((span) => span.spanContext().traceId === traceId);
    const fetch = spans.find((span) => span.spanContext().spanId === parentId)!;
    expect(fetch).toMatchObject({ name: 'gateway.fetch', instrumentationScope: { name: 'apollo/gateway-js' } });
    const served = spans.find((span) => span.instrumentationScope.name === 'users' && span.parentSpanContext?.spanId === parentId);
    expect(served).toMatchObject({ name: 'POST /graphql' });
    expect(spans.some((span) => span.instrumentationScope.name === 'router' && span.name === 'POST /graphql')).toBe(true);
  });

  it("continues the trace a client's traceparent starts", async () => {
    await graphql(recorded.router.url, '{ users(first: 1) { totalCount } }', {}, {
      headers: { 'x-request-id': 'on-2', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    });
    expect(String(forwarded('on-2').traceparent)).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-/);
    const entry = recorder.spans().find((span) => span.instrumentationScope.name === 'router' && span.parentSpanContext?.spanId === '00f067aa0ba902b7');
    expect(entry).toMatchObject({ name: 'POST /graphql' });
  });
});
