import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import pg from 'pg';
import { isAcquireTimeout, isConnectionLoss } from './connectionLoss.ts';
import type { Logger } from './logger.ts';
import { isPlainRead } from './plainRead.ts';

export interface PgPoolOptions {
  connectionString: string;
  /** Connections the pool may open. */
  max: number;
  /** Who owns the pool: its logs and the connections' `application_name`. */
  name: string;
  logger: Logger;
  /**
   * How long a caller waits for a connection (a free one, or a new one
   * being opened) before failing, in ms. Without it a pool whose server is
   * gone makes every request wait forever. @default 5000
   */
  acquireTimeoutMs?: number;
  /** Idle connections are closed after this long, in ms. @default 30000 */
  idleTimeoutMs?: number;
}

/**
 * A pg pool that survives its server ending connections (restart, failover,
 * `pg_terminate_backend`):
 *
 * - an idle connection that ends is dropped, logged once per burst, and
 *   replaced on next use instead of crashing the process;
 * - a checked-out connection that ends goes back to the pool as broken at
 *   once, even if its holder never releases it. Prisma's driver adapter does
 *   not release a transaction's connection when COMMIT or ROLLBACK fails on a
 *   dead socket; without this, every termination during a transaction leaks
 *   a slot until the pool is empty and the service hangs;
 * - acquiring a connection times out, so callers fail fast;
 * - a read outside a transaction that lost its connection is retried once
 *   on a new one (it changed nothing, so running it again is safe). Writes
 *   are never retried: one may have committed before the connection died.
 */
export function createPgPool(options: PgPoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max,
    connectionTimeoutMillis: options.acquireTimeoutMs ?? 5000,
    idleTimeoutMillis: options.idleTimeoutMs ?? 30_000,
    application_name: options.name,
    // A connection that dies without a FIN (a partition) is noticed instead of waited on forever.
    keepAlive: true,
  });
  const logger = options.logger.child({ component: 'pg-pool' });
  const reportLoss = lossReporter(logger, options.name);

  pool.on('error', (error) => reportLoss(error));
  pool.on('connect', (client) => {
    // pg emits 'error' on a checked-out client whose server ends it between
    // statements; with no listener that would crash the process.
    client.on('error', (error) => reportLoss(error));
  });
  pool.on('acquire', (client) => {
    const onEnd = () => releaseBroken(client);
    client.once('end', onEnd);
    endListeners.set(client, onEnd);
  });
  pool.on('release', (_error, client) => {
    const onEnd = endListeners.get(client);
    if (onEnd) client.removeListener('end', onEnd);
    endListeners.delete(client);
  });

  const retryReads = retry(handleWhen((error) => isConnectionLoss(error) && !isAcquireTimeout(error)), {
    maxAttempts: 1,
    backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 200 }),
  });
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  pool.query = ((...args: unknown[]) => {
    const [config] = args;
    const text = typeof config === 'string' ? config : (config as { text?: unknown } | null)?.text;
    // Callback-style calls and anything not plainly a read keep pg's own behaviour.
    if (typeof args.at(-1) === 'function' || typeof text !== 'string' || !isPlainRead(text)) return query(...args);
    return retryReads.execute(() => query(...args) as Promise<unknown>);
  }) as typeof pool.query;
  return pool;
}

const endListeners = new WeakMap<pg.PoolClient, () => void>();

/**
 * Returns a checked-out client whose connection ended to the pool as broken
 * (the pool discards it and frees the slot), and makes its holder's later
 * `release()` a no-op: pg-pool throws on a second release.
 */
function releaseBroken(client: pg.PoolClient): void {
  const release = client.release;
  client.release = () => {};
  release.call(client, new Error('The database connection ended while checked out.'));
}

/** Logs the first lost connection of a burst as a warning and the rest at debug, so a failover does not flood the log. */
function lossReporter(logger: Logger, name: string) {
  let lastWarnAt = 0;
  return (error: Error) => {
    const now = Date.now();
    if (now - lastWarnAt > 10_000) {
      lastWarnAt = now;
      logger.warn({ err: error }, `${name}: a database connection was lost; it is replaced on next use`);
    } else {
      logger.debug({ err: error }, `${name}: another database connection was lost`);
    }
  };
}
