/**
 * Waits for `work` at most `ms`: true if it settled (either way) in time.
 * Shutdown steps use it so one stuck dependency (a transaction left open,
 * a connection that no longer answers) cannot keep a service from exiting.
 */
export async function settleWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true as const, () => true as const), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
