import { setTimeout as sleep } from 'node:timers/promises';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { contextFromCarrier, parseEvent, traceCarrierOf, withSpan, type EventEnvelope } from '@supergraph/common';
import { backoffDelay } from './backoffDelay.ts';
import { SinkUnavailableError, type EventSink } from './eventSink.ts';

export type ForwardOutcome =
  | { status: 'delivered'; event: EventEnvelope }
  /** Published before (a redelivery, or the producer sent it twice): nothing was published now. */
  | { status: 'duplicate'; event: EventEnvelope }
  /** Not an event of the contract (not JSON, bad envelope, unknown type or version): retrying cannot help. */
  | { status: 'malformed'; reason: string }
  /** A valid event the sink kept refusing. */
  | { status: 'undeliverable'; event: EventEnvelope; reason: string };

export interface ForwardOptions {
  /** Attempts before giving up on an event the sink refuses; an unreachable sink does not count. @default 5 */
  maxAttempts?: number;
  /** Stops waiting between attempts: the call then rejects with an AbortError and the event is left unpublished. */
  signal?: AbortSignal;
  /** Told about every failed attempt, before the wait. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Wait before the next attempt, given the attempts so far. @default backoffDelay */
  backoff?: (attempt: number) => number;
}

/**
 * Takes one message body off the wire and delivers it to the sink exactly
 * once, whatever the transport. The body is validated against the event
 * contract first; a sink that cannot be reached is retried with backoff for
 * as long as it takes (the caller holds the message unacknowledged meanwhile,
 * so nothing is lost), a sink that refuses the event is retried `maxAttempts`
 * times and the event is then reported undeliverable for the dead-letter queue.
 */
export async function forwardEvent(body: string | Buffer, sink: EventSink, options: ForwardOptions = {}): Promise<ForwardOutcome> {
  const { maxAttempts = 5, signal, onRetry, backoff = backoffDelay } = options;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new TypeError(`forwardEvent: maxAttempts must be a positive integer, got ${String(maxAttempts)}`);
  }
  let event: EventEnvelope;
  try {
    event = parseEvent(body);
  } catch (error) {
    return { status: 'malformed', reason: (error as Error).message };
  }
  // With tracing on, the forward is a span in the event's trace, and the
  // event goes on to Redis carrying it: the routers' resolutions nest under it.
  const attributes = { 'messaging.operation.type': 'process', 'messaging.destination.name': event.type, 'messaging.message.id': event.id };
  return withSpan('bridge', `forward ${event.type}`, { kind: SpanKind.CONSUMER, parent: contextFromCarrier(event), attributes }, async (span) => {
    const outcome = await deliver(span ? { ...event, ...traceCarrierOf() } : event, sink, { maxAttempts, signal, onRetry, backoff });
    span?.setAttribute('supergraph.outcome', outcome.status);
    if (outcome.status === 'undeliverable') span?.setStatus({ code: SpanStatusCode.ERROR, message: outcome.reason });
    return outcome;
  });
}

/** Publishes a valid event, retrying as `forwardEvent` describes. */
async function deliver(event: EventEnvelope, sink: EventSink, options: ForwardOptions & Required<Pick<ForwardOptions, 'maxAttempts' | 'backoff'>>): Promise<ForwardOutcome> {
  const { maxAttempts, signal, onRetry, backoff } = options;
  let refusals = 0;
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return { status: (await sink.publishOnce(event)) ? 'delivered' : 'duplicate', event };
    } catch (error) {
      if (!(error instanceof SinkUnavailableError) && ++refusals >= maxAttempts) {
        return { status: 'undeliverable', event, reason: `${messageOf(error)} (refused ${refusals} times)` };
      }
      const delayMs = backoff(attempt);
      onRetry?.(error, attempt, delayMs);
      await sleep(delayMs, undefined, { signal });
    }
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
