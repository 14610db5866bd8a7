import { pino, type Logger } from 'pino';

export type { Logger };

/** One JSON logger per service; secrets never reach it (see `redact`). */
export function createLogger(service: string, level: string): Logger {
  return pino({
    name: service,
    level,
    redact: ['req.headers.authorization', '*.password', '*.passwordHash', '*.token'],
  });
}
