/** The retry schedule's settings (WEBHOOKS_RETRY_BASE_MS, WEBHOOKS_RETRY_MAX_MS). */
export interface RetrySchedule {
  baseMs: number;
  maxMs: number;
}

/**
 * How long to wait after failed attempt number `attempt` (1 for the first):
 * exponential backoff with "equal jitter", the ceiling doubling per attempt
 * up to `maxMs` and a random half of it shaved off, so that the deliveries
 * of many events failing together do not all come back in the same instant.
 * A receiver's `Retry-After` is honoured when it asks for longer (up to
 * `maxMs`: a receiver must not park a delivery forever).
 */
export function retryDelay(attempt: number, schedule: RetrySchedule, retryAfterMs: number | null = null, random: () => number = Math.random): number {
  const ceiling = Math.min(schedule.maxMs, schedule.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = ceiling / 2 + random() * (ceiling / 2);
  return Math.round(Math.min(schedule.maxMs, Math.max(jittered, retryAfterMs ?? 0)));
}

/** `Retry-After` as ms from now: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | null {
  const header = Array.isArray(value) ? value[0] : value;
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
