import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

export class GraphQLRequestError extends Error {
  constructor(readonly errors: { message: string; extensions?: Record<string, unknown> }[]) {
    super(errors.map((error) => `${error.extensions?.code ?? 'ERROR'}: ${error.message}`).join('; '));
  }
}

/**
 * A small typed client for the supergraph: queries and mutations over HTTP,
 * subscriptions over graphql-ws, each typed by the `TypedDocumentNode`
 * codegen writes for the operation, so results and variables are checked.
 */
export function supergraphClient(url: string, token?: string) {
  const authorization = token ? `Bearer ${token}` : undefined;
  const ws = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: authorization ? { authorization } : {},
    lazy: true,
  });
  return {
    async request<Result, Variables>(document: TypedDocumentNode<Result, Variables>, variables: Variables): Promise<Result> {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ query: print(document), variables }),
      });
      const body = (await response.json()) as { data?: Result; errors?: GraphQLRequestError['errors'] };
      if (body.errors?.length) throw new GraphQLRequestError(body.errors);
      return body.data!;
    },

    /** Calls `onData` for every event; returns the unsubscribe function. */
    subscribe<Result, Variables>(document: TypedDocumentNode<Result, Variables>, variables: Variables, onData: (data: Result) => void, onError: (error: unknown) => void = () => {}): () => void {
      return ws.subscribe<Result>(
        { query: print(document), variables: variables as Record<string, unknown> },
        {
          next: (result) => (result.errors ? onError(result.errors) : onData(result.data as Result)),
          error: onError,
          complete: () => {},
        },
      );
    },

    close: () => ws.dispose(),
  };
}
