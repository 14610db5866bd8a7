import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { registerTracing, type Tracing } from './registerTracing.ts';

export interface SpanRecorder extends Tracing {
  /** Every span that ended so far, in the order they ended. */
  spans(): ReadableSpan[];
}

/**
 * Tracing for tests and benchmarks: every span kept in memory the moment it
 * ends. Made for a process that runs several services at once, where a
 * span's instrumentation scope (its tracer's name) says which one made it.
 */
export function recordSpans(serviceName = 'test'): SpanRecorder {
  const exporter = new InMemorySpanExporter();
  const tracing = registerTracing({ serviceName, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { spans: () => exporter.getFinishedSpans(), shutdown: () => tracing.shutdown() };
}
