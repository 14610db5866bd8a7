import { createClient, type Client } from 'graphql-sse';

/**
 * A graphql-sse client as an app without WebSockets would use it: one
 * request per operation ("distinct connections"), the token in the
 * Authorization header. Use it with `subscribe` from wsClient.ts.
 */
export function sseClient(httpUrl: string, token?: string): Client {
  return createClient({
    url: httpUrl,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
  });
}
