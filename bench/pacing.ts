export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `tick` `count` times at `rate` per second, each on schedule whether
 * or not the ones before have finished (a slow tick must not slow the rate
 * down), then waits for them all. Returns the rate the ticks actually
 * started at, which falls short of `rate` only when this process cannot keep
 * up.
 */
export async function atFixedRate(count: number, rate: number, tick: (i: number) => Promise<void> | void): Promise<number> {
  const started = Date.now();
  const ticks: (Promise<void> | void)[] = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / rate;
    if (due > Date.now()) await sleep(due - Date.now());
    ticks.push(tick(i));
  }
  const elapsedMs = Date.now() - started;
  await Promise.all(ticks);
  return count <= 1 ? rate : ((count - 1) * 1000) / Math.max(elapsedMs, 1);
}

/** Polls `check` until it holds or `timeoutMs` passes; says whether it held. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}

/** Waits until `count` reaches `expected`, or has not grown for `stallMs`: a slow run is waited for, a stuck one is not. */
export async function untilCounted(count: () => number, expected: number, stallMs = 30_000): Promise<void> {
  let last = -1;
  let grewAt = Date.now();
  await until(() => {
    if (count() !== last) [last, grewAt] = [count(), Date.now()];
    return last >= expected || Date.now() - grewAt >= stallMs;
  }, Number.POSITIVE_INFINITY);
}
