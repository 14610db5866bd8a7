import { context, propagation, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { isTracing } from './registerTracing.ts';

/**
 * A W3C `traceparent` (version 00): trace id, parent span id, flags, in
 * lower-case hex; all-zero ids are invalid.
 * https://www.w3.org/TR/trace-context/#traceparent-header
 */
export const TRACEPARENT_PATTERN = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

/** Trace context as W3C fields: what an event envelope carries from the mutation to every hop after it. */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

/**
 * The given (by default the active) span's context as W3C fields; empty when
 * tracing is off or no span is recording, so an envelope then carries none.
 */
export function traceCarrierOf(active: Context = context.active()): TraceCarrier {
  if (!isTracing()) return {};
  const fields: Record<string, string> = {};
  propagation.inject(active, fields);
  const carrier: TraceCarrier = {};
  if (fields.traceparent) carrier.traceparent = fields.traceparent;
  if (fields.tracestate) carrier.tracestate = fields.tracestate;
  return carrier;
}

/** The context a carrier names, to start child spans in; the root context when it names none. */
export function contextFromCarrier(carrier: TraceCarrier): Context {
  return carrier.traceparent ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
}
