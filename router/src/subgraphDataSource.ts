import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { Agent, fetch as undiciFetch } from 'undici';
import { REQUEST_ID_HEADER } from '@supergraph/common';
import type { RouterContext } from './routerContext.ts';

export interface SubgraphTransportOptions {
  connections: number;
  timeoutMs: number;
}

/**
 * One keep-alive connection pool (undici) shared by every subgraph fetch, so
 * the router does not pay a TCP handshake per query plan step.
 */
export function createSubgraphFetcher({ connections, timeoutMs }: SubgraphTransportOptions) {
  const agent = new Agent({ connections, keepAliveTimeout: 30_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const fetcher = ((url: string, init: Record<string, unknown>) =>
    undiciFetch(url, { ...init, dispatcher: agent } as never)) as unknown as RemoteGraphQLDataSource['fetcher'];
  return { fetcher, close: () => agent.close(), destroy: () => agent.destroy() };
}

/** Forwards the caller's identity and request id to the subgraph. */
export class SubgraphDataSource extends RemoteGraphQLDataSource<RouterContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RouterContext>): void {
    // Health checks and schema loading run without a request context.
    if (!context?.requestId) return;
    request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
    if (context.authorization) request.http?.headers.set('authorization', context.authorization);
  }
}
