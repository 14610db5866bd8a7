/** First retry delay. */
export const BACKOFF_BASE_MS = 100;
/** Longest retry delay, reached after about six attempts. */
export const BACKOFF_MAX_MS = 5_000;

/**
 * Exponential backoff with "equal jitter": the delay doubles per attempt up
 * to the cap, and a random half of it is shaved off so that many messages
 * failing together (Redis went away) do not all retry in the same instant.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}
