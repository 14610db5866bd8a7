import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { BufferedResponse } from '../bufferedResponse.ts';
import { SharedWork } from './sharedWork.ts';

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetchInit = { body?: unknown; headers?: Record<string, string>; method?: string };

/**
 * Sends identical subgraph queries in flight at the same moment once: same
 * URL, same body (document and variables) and same `Authorization`, the one
 * header a subgraph answers by (the request id and signature differ per
 * request and say nothing about the answer). Concurrent operations that
 * differ at the front door often share fetches (the same entities looked up
 * for the same caller). Each caller gets its own copy of the answer, read
 * whole (`fetcher` gives BufferedResponses): the gateway merges what it
 * parses into its results in place, so parsed objects are never shared.
 * Mutations are never merged.
 */
export function deduplicatingFetcher(fetcher: Fetcher, onRun?: (joined: boolean) => void): Fetcher {
  const shared = new SharedWork<BufferedResponse>(onRun);
  return (async (url: string, init: FetchInit = {}) => {
    const body = typeof init.body === 'string' ? init.body : undefined;
    if (!body || !isQuery(body)) return fetcher(url, init as never);
    // RemoteGraphQLDataSource sends headers as a plain object of lower-case names.
    const authorization = init.headers?.authorization ?? '';
    const answer = await shared.run(`${url}\n${authorization}\n${body}`, () => fetcher(url, init as never) as unknown as Promise<BufferedResponse>);
    return answer.clone();
  }) as unknown as Fetcher;
}

/**
 * Whether a subgraph request the gateway built is a query. Its documents
 * start with the operation keyword (`query Name__sub__0(...)`) or, for an
 * anonymous query, with `{`; the body is JSON the gateway wrote, so the
 * document is the value of the first key, `query`.
 */
function isQuery(body: string): boolean {
  const start = body.indexOf('"query":"');
  if (start < 0) return false;
  const document = body.slice(start + 9, start + 9 + 16).trimStart();
  return document.startsWith('query') || document.startsWith('{');
}
