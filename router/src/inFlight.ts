import { settleWithin } from '@supergraph/common';

/**
 * Work the router has started and must let finish before it closes what
 * that work uses (the subgraph connections): operations over WebSockets and
 * subscription events being resolved. HTTP requests are Apollo's drain's.
 */
export class InFlight {
  private readonly pending = new Set<Promise<void>>();

  /** Runs `work` as tracked; its outcome is the caller's, unchanged. */
  track<T>(work: Promise<T>): Promise<T> {
    const settled: Promise<void> = work.then(
      () => void this.pending.delete(settled),
      () => void this.pending.delete(settled),
    );
    this.pending.add(settled);
    return work;
  }

  get size(): number {
    return this.pending.size;
  }

  /** Resolves when everything tracked so far has settled, or after `timeoutMs`, whichever is first; true if all settled. */
  settled(timeoutMs: number): Promise<boolean> {
    return settleWithin(Promise.all([...this.pending]), timeoutMs);
  }
}
