import autocannon from 'autocannon';
import { request } from 'undici';
import { percentile } from './percentiles.ts';

export interface LoadFigures {
  name: string;
  /** Requests sent, answered or not when the run ended. */
  sent: number;
  /** Responses per second. */
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  /** Failed connections, timeouts, non-2xx answers and 2xx answers whose body carries GraphQL `errors`. */
  errors: number;
  /** Of the errors, requests unanswered after autocannon's 10 s. */
  timeouts: number;
}

export interface LoadOptions {
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
  /** The JSON body of every request, or a function giving each request its own. */
  body: string | (() => string);
  /** Headers of each request's own, on top of `headers` (e.g. a token per request). */
  headersEach?: () => Record<string, string>;
}

/**
 * POSTs one GraphQL request and returns the parsed answer. Through undici's
 * `request` rather than `fetch`: the benches that create events with it share
 * the two cores with what they measure, and `fetch` (WHATWG streams, Headers,
 * a Response per call) costs the load generator several times as much.
 */
export async function postGraphQL(url: string, body: unknown, token?: string) {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return (await response.body.json()) as { data?: any; errors?: unknown[] };
}

/**
 * Puts `connections` concurrent clients (autocannon) on a GraphQL endpoint for
 * `seconds`, one request after another on each, and measures every response.
 */
export async function loadGraphQL(name: string, url: string, options: LoadOptions): Promise<LoadFigures> {
  const latencies: number[] = [];
  let graphqlErrors = 0;
  const { body, headersEach } = options;
  // A GraphQL error may come with a 200, so every answer's body is looked at; autocannon counts the non-2xx ones.
  const onResponse = (status: number, responseBody: string) => {
    if (status >= 200 && status < 300 && responseBody.includes('"errors"')) graphqlErrors++;
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        method: 'POST',
        connections: options.connections,
        duration: options.seconds,
        headers: { 'content-type': 'application/json', ...options.headers },
        // setupRequest runs before every request: a body or headers function gives each its own.
        requests: [
          typeof body === 'string' && !headersEach
            ? { body, onResponse }
            : {
                setupRequest: (request) => ({
                  ...request,
                  body: typeof body === 'string' ? body : body(),
                  headers: headersEach ? { ...request.headers, ...headersEach() } : request.headers,
                }),
                onResponse,
              },
        ],
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  latencies.sort((a, b) => a - b);
  return {
    name,
    sent: result.requests.sent,
    rps: result.requests.total / options.seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    // autocannon's `errors` counts timeouts too.
    errors: result.errors + result.non2xx + graphqlErrors,
    timeouts: result.timeouts,
  };
}
