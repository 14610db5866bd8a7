/**
 * SQLSTATE codes and socket errors that mean "the connection to the
 * database went away", not "the statement was wrong": a restart, a
 * failover, `pg_terminate_backend`, a network cut. Work that failed this
 * way may succeed if tried again on a new connection.
 */
const LOST_SQLSTATES = new Set([
  '57P01', // admin_shutdown: terminated by an administrator or a failover
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: the server is starting or stopping
  '53300', // too_many_connections
]);
const LOST_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const LOST_KINDS = new Set(['ConnectionClosed', 'DatabaseNotReachable', 'SocketTimeout', 'TooManyConnections']);
const LOST_MESSAGES = [
  'Connection terminated',
  'not queryable',
  'timeout exceeded when trying to connect',
  'Server has closed the connection',
];

/**
 * Whether an error (from pg, the Prisma driver adapter or Prisma itself,
 * however deeply wrapped in `cause`) reports a lost database connection.
 */
export function isConnectionLoss(error: unknown): boolean {
  const seen = new Set<unknown>();
  const queue = [error];
  while (queue.length > 0 && seen.size < 16) {
    const current = queue.shift();
    if (!current || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    const candidate = current as ErrorLike;
    for (const code of [candidate.code, candidate.originalCode]) {
      if (typeof code !== 'string') continue;
      // Class 08 is "connection exception".
      if (LOST_SQLSTATES.has(code) || code.startsWith('08') || LOST_SOCKET_CODES.has(code)) return true;
    }
    // adapter-pg's own classification of socket failures carries no SQLSTATE.
    if (typeof candidate.kind === 'string' && LOST_KINDS.has(candidate.kind)) return true;
    if (typeof candidate.message === 'string' && LOST_MESSAGES.some((text) => (candidate.message as string).includes(text))) return true;
    // Prisma keeps the driver's error under meta.driverAdapterError, whose cause holds pg's code.
    queue.push(candidate.cause, candidate.meta?.driverAdapterError);
  }
  return false;
}

/** A pool that gave no connection in time: the database may be fine but saturated, and waiting again only doubles the wait. */
export function isAcquireTimeout(error: unknown): boolean {
  return error instanceof Error && error.message.includes('timeout exceeded when trying to connect');
}

interface ErrorLike {
  code?: unknown;
  kind?: unknown;
  originalCode?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: unknown };
}
