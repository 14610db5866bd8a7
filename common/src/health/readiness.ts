/** Dependencies a service needs to answer, by the name its readiness report gives them; each check throws when its dependency is down. */
export type DependencyChecks = Record<string, () => Promise<unknown>>;

/** The checks, or what gives them at each check when the dependencies change while running (the router's subgraphs on a reload). */
export type Dependencies = DependencyChecks | (() => DependencyChecks);

export interface ReadinessReport {
  ready: boolean;
  /** Each dependency, `up` or `down`: names only, never an error's message, which may hold hosts or credentials. */
  dependencies: Record<string, 'up' | 'down'>;
  /** Why each one that is down is down, for the service's own log. */
  failures: Record<string, unknown>;
}

export interface ReadinessOptions {
  /** A check that has not answered by then counts as down, in ms. */
  timeoutMs: number;
  /** How long a report is reused before the dependencies are asked again, in ms; 0 asks on every probe. */
  cacheMs: number;
}

/**
 * Whether a service's dependencies answer, for `/health/ready`. Every check
 * runs side by side and is bounded by `timeoutMs`, so a dependency that
 * hangs makes the service unready instead of hanging the probe. Reports are
 * reused for `cacheMs`, and probes arriving while one runs share it: many
 * load balancers probing often cannot turn into load on the database.
 */
export class Readiness {
  private last: { at: number; report: Promise<ReadinessReport> } | undefined;

  constructor(
    private readonly dependencies: Dependencies,
    private readonly options: ReadinessOptions,
  ) {}

  check(): Promise<ReadinessReport> {
    const now = Date.now();
    if (this.last && now - this.last.at < this.options.cacheMs) return this.last.report;
    const report = this.run();
    this.last = { at: now, report };
    // A report still running is shared whatever the cache period.
    void report.finally(() => {
      if (this.last?.report === report) this.last.at = Date.now();
    });
    return report;
  }

  private async run(): Promise<ReadinessReport> {
    const checks = typeof this.dependencies === 'function' ? this.dependencies() : this.dependencies;
    const names = Object.keys(checks);
    // A check that throws at once is a dependency down like any other.
    const outcomes = await Promise.allSettled(names.map((name) => within(Promise.resolve().then(checks[name]!), this.options.timeoutMs, name)));
    const report: ReadinessReport = { ready: true, dependencies: {}, failures: {} };
    outcomes.forEach((outcome, index) => {
      const name = names[index]!;
      report.dependencies[name] = outcome.status === 'fulfilled' ? 'up' : 'down';
      if (outcome.status === 'rejected') {
        report.ready = false;
        report.failures[name] = outcome.reason;
      }
    });
    return report;
  }
}

async function within(check: Promise<unknown>, ms: number, name: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${name} did not answer within ${ms} ms`)), ms)));
  try {
    await Promise.race([check, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
