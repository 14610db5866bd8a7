import type express from 'express';
import type { Logger } from '../logger.ts';
import type { Readiness, ReadinessReport } from './readiness.ts';

export interface HealthRoutesOptions {
  /** The service's name, in every answer. */
  service: string;
  readiness: Readiness;
  logger: Logger;
  /** Extra fields for the `/health` body (the router reports its live subscriptions). */
  details?: () => Record<string, unknown>;
}

/**
 * `/health/live`: the process answers (restart it if not). `/health/ready`:
 * its dependencies answer too (send it traffic only then); 503 names each
 * dependency that is down. `/health` is the ready check with the service's
 * details, kept for the probes and tools written before the split.
 */
export function mountHealthRoutes(app: express.Express, options: HealthRoutesOptions): void {
  const { service, readiness, logger } = options;
  app.get('/health/live', (_req, res) => void res.json({ status: 'ok', service }));
  // Probes share cached reports: each report that finds a dependency down is logged once, not once per probe.
  let logged: ReadinessReport | undefined;
  const ready = (details: () => Record<string, unknown>) => async (_req: express.Request, res: express.Response) => {
    const report = await readiness.check();
    if (!report.ready && report !== logged) {
      logged = report;
      logger.warn({ failures: report.failures }, 'not ready: a dependency is down');
    }
    res.status(report.ready ? 200 : 503).json({ status: report.ready ? 'ok' : 'unavailable', service, dependencies: report.dependencies, ...details() });
  };
  app.get('/health/ready', ready(() => ({})));
  app.get('/health', ready(() => options.details?.() ?? {}));
}
