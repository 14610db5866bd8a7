import { createSubgraphSigner } from '@supergraph/common';

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
  extensions?: Record<string, any>;
}

export interface GraphQLOptions {
  token?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Which operation of the document to run. */
  operationName?: string;
  /** Sign the request as the router does, with this secret, to call a subgraph that requires it. */
  signWith?: string;
  /** When the signature claims to be made; now by default. */
  signedAt?: Date;
}

/** Sends one operation over HTTP the way a client would (or, signed, the way the router would). */
export async function graphql<T = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: GraphQLOptions = {},
): Promise<GraphQLResponse<T> & { headers: Headers }> {
  const requestBody = JSON.stringify({ query, variables, ...(options.operationName === undefined ? {} : { operationName: options.operationName }) });
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.signWith ? createSubgraphSigner(options.signWith)(requestBody, options.signedAt) : {}),
      ...options.headers,
    },
    body: requestBody,
    signal: options.signal,
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: response.status, headers: response.headers, ...body };
}

/** The first error's code, for assertions. */
export const errorCode = (response: GraphQLResponse) => response.errors?.[0]?.extensions?.code;
