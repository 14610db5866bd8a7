/// <reference lib="dom" />
// Runs in the browser: bundled by buildGraphiql.ts into local static assets,
// so GraphiQL works with no network beyond the router itself.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { getOperationAST, parse } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import 'graphiql/style.css';

interface Settings {
  defaultQuery: string;
  defaultHeaders: string;
}

const settings = JSON.parse(document.getElementById('graphiql-settings')!.textContent!) as Settings;
const httpUrl = `${location.origin}${location.pathname}`;
const wsUrl = httpUrl.replace(/^http/, 'ws');

/** One WebSocket per token from the headers editor: the token goes in connection_init. */
const wsClients = new Map<string, Client>();
function wsClientFor(authorization: string | undefined): Client {
  const key = authorization ?? '';
  let client = wsClients.get(key);
  if (!client) {
    client = createClient({ url: wsUrl, connectionParams: authorization ? { authorization } : {}, lazy: true });
    wsClients.set(key, client);
  }
  return client;
}

type Params = { query: string; operationName?: string | null; variables?: Record<string, unknown> | null };

/**
 * The operation to run and whether it is a subscription. When the editor's
 * text was replaced wholesale, GraphiQL may still send the old operation
 * name; a document with one operation then runs that one.
 */
function resolveOperation(params: Params): { params: Params; subscription: boolean } {
  try {
    const document = parse(params.query);
    let operation = getOperationAST(document, params.operationName ?? undefined);
    if (!operation && params.operationName) {
      operation = getOperationAST(document);
      if (operation) params = { ...params, operationName: operation.name?.value ?? null };
    }
    return { params, subscription: operation?.operation === 'subscription' };
  } catch {
    return { params, subscription: false };
  }
}

/** Queries and mutations over HTTP with the editor's headers; subscriptions over graphql-ws. */
function fetcher(requested: Params, options?: { headers?: Record<string, string> }) {
  const headers = options?.headers ?? {};
  const authorization = headers.Authorization ?? headers.authorization;
  const { params, subscription } = resolveOperation(requested);
  if (subscription) {
    return wsClientFor(authorization).iterate({
      query: params.query,
      operationName: params.operationName ?? undefined,
      variables: params.variables ?? undefined,
    });
  }
  return fetch(httpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(params),
  }).then((response) => response.json());
}

createRoot(document.getElementById('graphiql')!).render(
  createElement(GraphiQL, {
    fetcher: fetcher as never,
    defaultQuery: settings.defaultQuery,
    defaultHeaders: settings.defaultHeaders,
    defaultEditorToolsVisibility: 'headers',
    shouldPersistHeaders: true,
  }),
);
