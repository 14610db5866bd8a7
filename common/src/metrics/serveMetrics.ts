import { timingSafeEqual } from 'node:crypto';
import type express from 'express';
import type { Registry } from 'prom-client';

/**
 * The `/metrics` handler. With a token, a scrape must send it as
 * `Authorization: Bearer <token>`, compared in constant time; a service
 * reachable from outside then tells nobody else its operation names and
 * load. Without one the endpoint is open, as a scraper on a private
 * network expects.
 */
export function serveMetrics(registry: Registry, token: string | undefined): express.RequestHandler {
  const expected = token === undefined ? undefined : Buffer.from(`Bearer ${token}`);
  return async (req, res) => {
    if (expected && !sameSecret(req.headers.authorization, expected)) {
      res.status(401).setHeader('www-authenticate', 'Bearer').json({ error: 'A bearer token is required for /metrics.' });
      return;
    }
    res.type(registry.contentType).send(await registry.metrics());
  };
}

function sameSecret(given: string | undefined, expected: Buffer): boolean {
  const bytes = Buffer.from(given ?? '');
  return bytes.length === expected.length && timingSafeEqual(bytes, expected);
}
