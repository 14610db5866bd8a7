import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { context as otelContext, propagation, type TextMapSetter } from '@opentelemetry/api';
import { GraphQLError } from 'graphql';
import { isTracing, REQUEST_ID_HEADER, SIGNATURE_CHALLENGE } from '@supergraph/common';
import type { RouterContext } from './routerContext.ts';
import { isTransportFailure, unavailableAnswer } from './subgraphUnavailable.ts';

/**
 * Forwards the caller's identity, request id and (with tracing on) W3C trace
 * context to the subgraph; the fetcher it is given signs (signingFetcher.ts).
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<RouterContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RouterContext>): void {
    // Health checks and schema loading run without a request context.
    if (!context?.requestId) return;
    request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
    if (context.authorization) request.http?.headers.set('authorization', context.authorization);
    // The active span is the gateway's `gateway.fetch` for this subgraph: the subgraph's spans nest under it.
    if (isTracing() && request.http) propagation.inject(otelContext.active(), request.http.headers, headerSetter);
  }

  /** A subgraph that cannot be reached fails the fields it was to fill, each named, with SERVICE_UNAVAILABLE. */
  override async process(options: GraphQLDataSourceProcessOptions<RouterContext>) {
    try {
      return await super.process(options);
    } catch (error) {
      // Health checks and schema loads have no incoming request: their callers want the error itself.
      if (!('incomingRequestContext' in options) || !isTransportFailure(error)) throw error;
      options.context.logger?.warn({ err: error, subgraph: this.url }, 'subgraph unreachable');
      return unavailableAnswer(options.request);
    }
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

const headerSetter: TextMapSetter<{ set(name: string, value: string): void }> = {
  set: (headers, name, value) => headers.set(name, value),
};
