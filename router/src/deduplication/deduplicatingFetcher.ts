import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { SharedWork } from './sharedWork.ts';

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetchInit = { body?: unknown; headers?: unknown; method?: string };

interface Answer {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: string;
}

/**
 * Sends identical subgraph queries in flight at the same moment once: same
 * URL, same body (document and variables) and same `Authorization`, the one
 * header a subgraph answers by (the request id and signature differ per
 * request and say nothing about the answer). Concurrent operations that
 * differ at the front door often share fetches (the same entities looked up
 * for the same caller). Each caller gets its own Response over the shared
 * body: the gateway merges what it parses into its results in place, so
 * parsed objects are never shared. Mutations are never merged.
 */
export function deduplicatingFetcher(fetcher: Fetcher, onRun?: (joined: boolean) => void): Fetcher {
  const shared = new SharedWork<Answer>(onRun);
  return (async (url: string, init: FetchInit = {}) => {
    const body = typeof init.body === 'string' ? init.body : undefined;
    if (!body || !isQuery(body)) return fetcher(url, init as never);
    const authorization = new Headers(init.headers as HeadersInit | undefined).get('authorization') ?? '';
    const answer = await shared.run(`${url}\n${authorization}\n${body}`, async () => {
      const response = await fetcher(url, init as never);
      return { status: response.status, statusText: response.statusText, headers: [...response.headers], body: await response.text() };
    });
    return new Response(answer.body, { status: answer.status, statusText: answer.statusText, headers: answer.headers });
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
