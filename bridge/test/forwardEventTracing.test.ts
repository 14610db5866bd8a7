import { afterAll, beforeAll, expect, it } from 'vitest';
import { MemoryEventHistory, recordSpans, type EventEnvelope, type SpanRecorder } from '@supergraph/common';
import { createMemoryEventSink, forwardEvent } from '../src/index.ts';
import { sampleEvent } from './bridgeTestKit.ts';

// Tracing is on for this whole file: its process registers a recorder.
let recorder: SpanRecorder;
beforeAll(() => void (recorder = recordSpans()));
afterAll(() => recorder.shutdown());

function memorySink() {
  const published: EventEnvelope[] = [];
  return { published, sink: createMemoryEventSink({ history: new MemoryEventHistory(), publish: ({ event }) => published.push(event) }) };
}

it("forwards an event in a span of the event's trace and passes its own span on with the event", async () => {
  const { published, sink } = memorySink();
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  const outcome = await forwardEvent(JSON.stringify({ ...sampleEvent(), traceparent }), sink);
  expect(outcome.status).toBe('delivered');
  const span = recorder.spans().find((recorded) => recorded.attributes['messaging.message.id'] === published[0]!.id)!;
  expect(span).toMatchObject({ name: `forward ${published[0]!.type}`, instrumentationScope: { name: 'bridge' } });
  expect(span.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  expect(span.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  expect(published[0]!.traceparent).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${span.spanContext().spanId}-01`);
});

it('delivers an event whose traceparent is malformed, in a trace of its own, rather than dead-lettering it', async () => {
  const { published, sink } = memorySink();
  const event = { ...sampleEvent(), traceparent: '00-not-a-trace-01' };
  const outcome = await forwardEvent(JSON.stringify(event), sink);
  expect(outcome.status).toBe('delivered');
  expect(published.map(({ id }) => id)).toEqual([event.id]);
  const span = recorder.spans().find((recorded) => recorded.attributes['messaging.message.id'] === event.id)!;
  expect(span.parentSpanContext).toBeUndefined();
  expect(published[0]!.traceparent).toMatch(new RegExp(`^00-${span.spanContext().traceId}-${span.spanContext().spanId}-01$`));
});
