import { createClient, type Client } from 'graphql-sse';

/**
 * A graphql-sse client as an app without WebSockets would use it: one
 * request per operation ("distinct connections"), the token in the
 * Authorization header, and a resuming client's `Last-Event-ID`. Use it
 * with `subscribe` from wsClient.ts.
 */
export function sseClient(httpUrl: string, token?: string, options: { lastEventId?: string } = {}): Client {
  return createClient({
    url: httpUrl,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(options.lastEventId ? { 'last-event-id': options.lastEventId } : {}) },
    retryAttempts: 0,
  });
}
