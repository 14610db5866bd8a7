import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { createSubgraphSigner } from '@supergraph/common';

type Fetcher = RemoteGraphQLDataSource['fetcher'];

/**
 * Signs every request a data source sends a subgraph with `secret` (see
 * common/subgraphSignature.ts). It wraps the fetcher rather than hooking the
 * data source because the fetcher is handed the body as the exact string that
 * goes on the wire, after RemoteGraphQLDataSource serialised it; and because
 * every fetch goes through it, with or without a request context (health
 * checks, subscription event lookups).
 */
export function signingFetcher(fetcher: Fetcher, secret: string): Fetcher {
  const sign = createSubgraphSigner(secret);
  return ((url: string, init: { body?: unknown; headers?: unknown } = {}) => {
    const headers: Record<string, string> = sign(init.body as string);
    // RemoteGraphQLDataSource passes a plain object, copied as is; Headers copes with any other shape.
    if (isPlainObject(init.headers)) {
      for (const [name, value] of Object.entries(init.headers)) headers[name.toLowerCase()] ??= String(value);
    } else {
      new Headers(init.headers as HeadersInit | undefined).forEach((value, name) => (headers[name] ??= value));
    }
    return fetcher(url, { ...init, headers } as never);
  }) as unknown as Fetcher;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}
