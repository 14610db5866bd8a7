import { Counter, type Registry } from 'prom-client';

/** What `/health/ready` asks the database; probes are no request's work, so they are not counted. */
export const READINESS_PROBE_SQL = 'SELECT 1 /* readiness */';

/** Transaction bookkeeping: sent, but no data statement of the request's. */
const TRANSACTION_CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b/i;

/**
 * `db_statements_total`: SQL statements a subgraph's Prisma client sent,
 * outbox rows included (they are written in the mutation's transaction),
 * transaction control excluded, as the N+1 tests count. The outbox relay's
 * own polling and readiness probes are not counted: they are no request's work. The benchmarks read
 * this counter before and after a run to print statements per request.
 */
export function statementMetrics(registry: Registry): { countStatement: (sql: string) => void } {
  const statements = new Counter({
    name: 'db_statements_total',
    help: "SQL statements the service's database client sent, transaction control (BEGIN, COMMIT, ...) excluded.",
    registers: [registry],
  });
  return {
    countStatement: (sql) => {
      if (sql !== READINESS_PROBE_SQL && !TRANSACTION_CONTROL.test(sql)) statements.inc();
    },
  };
}
