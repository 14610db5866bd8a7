import type { EventEnvelope } from '@supergraph/common';

/**
 * Where the bridge delivers events: Redis pub/sub in the full stack, an
 * in-process bus in the embedded mode. `publishOnce` publishes the event
 * unless its id was already published, as one atomic step, and resolves to
 * whether it published. It throws `SinkUnavailableError` when the sink cannot
 * be reached right now (the caller retries without limit) and any other error
 * when the sink refused the event (the caller retries a bounded number of times).
 */
export interface EventSink {
  publishOnce(event: EventEnvelope): Promise<boolean>;
}

/** The sink could not be reached; the same call is expected to succeed once it is back. */
export class SinkUnavailableError extends Error {
  override readonly name = 'SinkUnavailableError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
