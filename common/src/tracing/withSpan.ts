import { context, SpanStatusCode, trace, type Attributes, type Context, type Span, type SpanKind } from '@opentelemetry/api';
import { isTracing } from './registerTracing.ts';

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** The span's parent; by default the active context's span. */
  parent?: Context;
}

/**
 * Runs `work` inside a new active span of `tracerName`, ending it when the
 * work settles and marking it failed when the work throws. With tracing off
 * it runs `work` alone, with no span at all (not even a no-op one).
 */
export async function withSpan<T>(tracerName: string, name: string, options: SpanOptions, work: (span: Span | undefined) => Promise<T>): Promise<T> {
  if (!isTracing()) return work(undefined);
  const tracer = trace.getTracer(tracerName);
  return tracer.startActiveSpan(name, { kind: options.kind, attributes: options.attributes }, options.parent ?? context.active(), async (span) => {
    try {
      return await work(span);
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Records an error on a span and marks it failed. */
export function failSpan(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}
