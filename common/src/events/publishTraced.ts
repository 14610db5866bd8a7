import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { isTracing } from '../tracing/registerTracing.ts';
import { contextFromCarrier, traceCarrierOf } from '../tracing/traceCarrier.ts';
import { failSpan } from '../tracing/withSpan.ts';
import type { EventEnvelope } from './eventEnvelope.ts';
import type { EventPublisher } from './eventPublisher.ts';

/** The tracer of outbox relays: their spans are the `outbox-relay` service's hop of an event's trace. */
export const RELAY_TRACER = 'outbox-relay';

/**
 * Publishes a batch with one producer span per event, each a child of the
 * trace its envelope carries (the mutation that wrote it), and sends each
 * event on with its own span's context, so the next hop nests under the
 * publish. The spans end when the whole batch is confirmed or has failed.
 * With tracing off the batch goes out untouched.
 */
export async function publishTraced(publisher: EventPublisher, events: EventEnvelope[], relay: string): Promise<void> {
  if (!isTracing() || events.length === 0) return publisher.publish(events);
  const tracer = trace.getTracer(RELAY_TRACER);
  const spans = events.map((event) =>
    tracer.startSpan(
      `publish ${event.type}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.operation.type': 'send',
          'messaging.destination.name': event.type,
          'messaging.message.id': event.id,
          'supergraph.outbox': relay,
        },
      },
      contextFromCarrier(event),
    ),
  );
  const sent = events.map((event, index) => ({ ...event, ...traceCarrierOf(trace.setSpan(context.active(), spans[index]!)) }));
  try {
    await publisher.publish(sent);
    for (const span of spans) span.setStatus({ code: SpanStatusCode.OK });
  } catch (error) {
    for (const span of spans) failSpan(span, error);
    throw error;
  } finally {
    for (const span of spans) span.end();
  }
}
