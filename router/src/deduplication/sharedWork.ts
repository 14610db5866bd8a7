/**
 * Runs identical work once while it is in flight: callers with the same key
 * before it settles get the same promise, success or failure alike. Nothing
 * is kept after it settles, so this is deduplication, never a cache.
 * (A Map of promises is all it takes; no library adds anything here.)
 */
export class SharedWork<T> {
  private readonly running = new Map<string, Promise<T>>();

  /** Called with true when a caller joins work already running, false when it starts it. */
  constructor(private readonly onRun: (joined: boolean) => void = () => {}) {}

  run(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.running.get(key);
    if (running) {
      this.onRun(true);
      return running;
    }
    this.onRun(false);
    let begun: Promise<T>;
    try {
      begun = work();
    } catch (error) {
      begun = Promise.reject(error);
    }
    const started = begun.finally(() => this.running.delete(key));
    this.running.set(key, started);
    return started;
  }

  get size(): number {
    return this.running.size;
  }
}
