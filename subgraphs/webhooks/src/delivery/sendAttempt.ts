import { Agent, request, type Dispatcher } from 'undici';
import { checkTarget, guardedLookup, RefusedAddressError, type AddressPolicy } from './addressPolicy.ts';
import { parseRetryAfter } from './retrySchedule.ts';

export interface AttemptLimits {
  /** The whole attempt: resolving, connecting, sending and reading the answer. */
  timeoutMs: number;
  /** Bytes of the answer read; the rest is discarded unread. */
  maxResponseBytes: number;
}

/** How one attempt ended. */
export interface AttemptOutcome {
  delivered: boolean;
  /** Whether another attempt may succeed: timeouts, connection errors, 5xx and 429. */
  retryable: boolean;
  httpStatus: number | null;
  /** Why it failed (the start of the answer for an HTTP error). */
  error: string | null;
  /** What the receiver asked for with `Retry-After`, in ms. */
  retryAfterMs: number | null;
  latencyMs: number;
}

/**
 * The HTTP client deliveries go through: its connector resolves hosts with
 * the address policy's lookup, so a connection to a forbidden address is
 * never opened. Redirects are not followed (undici's `request` does not),
 * so a receiver cannot bounce a delivery to an internal address either.
 */
export function createDeliveryAgent(policy: AddressPolicy): Dispatcher {
  return new Agent({ connect: { lookup: guardedLookup(policy) }, keepAliveTimeout: 10_000 });
}

/** POSTs one signed delivery and classifies the outcome; it never throws. */
export async function sendAttempt(
  target: { url: string; body: string; headers: Record<string, string> },
  options: AttemptLimits & { agent: Dispatcher; policy: AddressPolicy },
): Promise<AttemptOutcome> {
  const started = performance.now();
  const ended = (outcome: Omit<AttemptOutcome, 'latencyMs'>): AttemptOutcome => ({ ...outcome, latencyMs: Math.round(performance.now() - started) });
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    // IP literals never reach the connector's lookup: they are judged here, before anything is sent.
    await checkTarget(new URL(target.url), options.policy);
    const response = await request(target.url, {
      method: 'POST',
      body: target.body,
      headers: { 'content-type': 'application/json', 'user-agent': 'supergraph-webhooks', ...target.headers },
      dispatcher: options.agent,
      signal,
    });
    const answer = await readCapped(response.body, options.maxResponseBytes);
    const status = response.statusCode;
    if (status >= 200 && status < 300) return ended({ delivered: true, retryable: false, httpStatus: status, error: null, retryAfterMs: null });
    return ended({
      delivered: false,
      retryable: status === 429 || status >= 500,
      httpStatus: status,
      error: `HTTP ${status}${answer ? `: ${answer}` : ''}`,
      retryAfterMs: parseRetryAfter(response.headers['retry-after']),
    });
  } catch (error) {
    const refused = causeChain(error).find((cause) => cause instanceof RefusedAddressError);
    if (refused) return ended({ delivered: false, retryable: false, httpStatus: null, error: `refused: ${refused.message}`, retryAfterMs: null });
    const message = signal.aborted ? `timed out after ${options.timeoutMs} ms` : describe(error);
    return ended({ delivered: false, retryable: true, httpStatus: null, error: message, retryAfterMs: null });
  }
}

/** Reads at most `max` bytes of a body as text and drops the rest without reading it. */
async function readCapped(body: Dispatcher.ResponseData['body'], max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= max) break;
  }
  // Breaking out of the loop destroys the stream, which closes that connection.
  // NUL, which PostgreSQL text cannot store, becomes U+FFFD, as invalid UTF-8 does: otherwise the attempt could never be recorded.
  return Buffer.concat(chunks).subarray(0, max).toString('utf8').replaceAll('\u0000', '\uFFFD');
}

function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && chain.length < 5; current = (current as { cause?: unknown })?.cause) chain.push(current);
  return chain;
}

function describe(error: unknown): string {
  const chain = causeChain(error).filter((cause): cause is Error => cause instanceof Error);
  const code = chain.map((cause) => (cause as NodeJS.ErrnoException).code).find(Boolean);
  const message = chain.at(-1)?.message ?? String(error);
  return code ? `${code}: ${message}` : message;
}
