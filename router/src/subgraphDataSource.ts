import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { Agent, fetch as undiciFetch } from 'undici';
import { REQUEST_ID_HEADER, SIGNATURE_CHALLENGE } from '@supergraph/common';
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

/** Forwards the caller's identity and request id to the subgraph; the fetcher it is given signs (signingFetcher.ts). */
export class SubgraphDataSource extends RemoteGraphQLDataSource<RouterContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RouterContext>): void {
    // Health checks and schema loading run without a request context.
    if (!context?.requestId) return;
    request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
    if (context.authorization) request.http?.headers.set('authorization', context.authorization);
  }

  /**
   * A subgraph refusing the router's signature means the router is
   * misconfigured (a secret the subgraph does not list, a skewed clock), not
   * that the caller is: the caller gets an internal error rather than
   * UNAUTHENTICATED, which would send clients to log in again, and the log
   * names the subgraph and the reason.
   */
  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0]): Promise<GraphQLError> {
    if (response.status !== 401 || response.headers.get('www-authenticate') !== SIGNATURE_CHALLENGE) return super.errorFromResponse(response);
    const body = (await this.parseBody(response)) as { errors?: { message?: string }[] };
    return new GraphQLError(`The subgraph at ${this.url} refused the router's signature: ${body.errors?.[0]?.message ?? 'no reason given'}`);
  }
}
