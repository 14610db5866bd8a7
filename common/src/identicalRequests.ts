import type { OutgoingHttpHeaders } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import type { RequestContexts } from './requestContexts.ts';
import { REQUEST_ID_HEADER } from './requestId.ts';

/**
 * What decides whether identical requests in flight may share one answer.
 * The HTTP shell knows requests are identical (same body, `Authorization`
 * and `Accept`); only the service knows what runs (a query, admitted) and
 * what each caller must still pass on its own (rate limits count callers,
 * not executions).
 */
export interface RequestSharing<TContext> {
  /**
   * Resolves once the service knows whether the answer of the request
   * `context` belongs to may go to identical ones: true once it admitted a
   * query, false for anything else (a mutation, a refusal). A request that
   * ends first is not shared.
   */
  decided(context: TContext): Promise<boolean>;
  /** Whether a request that joined may take `leader`'s answer; false runs it on its own, which then answers any refusal. */
  admit(leader: TContext, joining: TContext): Promise<boolean>;
  /** Called for each request that waits for an identical one's answer instead of running. */
  joined?(): void;
  /** Called for each request that took an identical one's answer, with the leader's context. */
  answered?(leader: TContext, startedAt: bigint): void;
}

interface Answer<TContext> {
  status: number;
  headers: OutgoingHttpHeaders;
  body: string | Buffer;
  encoding: BufferEncoding | undefined;
  leader: TContext;
}

interface Leading<TContext> {
  /** Whether the answer will be shared, known as soon as the service decides (before it runs). */
  shared: Promise<boolean>;
  /** The answer, or null when it is not one to share. */
  answer: Promise<Answer<TContext> | null>;
}

/** Not part of a shared answer: each request has its own. */
const OWN_HEADERS = [REQUEST_ID_HEADER, 'date', 'connection', 'keep-alive'];

/**
 * Deduplicates identical requests at the front door, before Apollo Server's
 * pipeline (parsing, validation, plugins, the executor): Hive Gateway and
 * Apollo Router do the same, and it is where identical traffic costs the
 * most. The first request of a kind runs as usual; identical ones arriving
 * while it runs wait until the service decides whether its answer may be
 * shared (as soon as it admitted a query), and if so for that answer, which
 * they get (status, headers and body) with their own request id once the
 * service admits them too. Otherwise they run on their own at once, so
 * identical mutations still run side by side. Nothing is kept once the
 * first answered: this is deduplication, never a cache. What has no key (a
 * GET, a body too deep to serialize) passes through.
 *
 * `contexts` are the ones Apollo gets, so the leader's is the one its
 * execution marked. (A Map of promises is all it takes; no library
 * deduplicates HTTP requests in front of Apollo Server.)
 */
export function identicalRequests<TContext>(sharing: RequestSharing<TContext>, contexts: RequestContexts<TContext>): RequestHandler {
  const running = new Map<string, Leading<TContext>>();
  return async (req, res, next) => {
    const key = requestKey(req);
    if (key === null) return next();
    const ahead = running.get(key);
    if (!ahead) {
      const leading = lead(req, res, contexts, sharing);
      running.set(key, leading);
      leading.answer.finally(() => running.delete(key));
      return next();
    }
    if (!(await ahead.shared)) return next();
    sharing.joined?.();
    const startedAt = process.hrtime.bigint();
    const answer = await ahead.answer;
    if (!answer) return next();
    try {
      if (!(await sharing.admit(answer.leader, await contexts.of(req, res)))) return next();
    } catch {
      // Its own context failed (a token that expired meanwhile): Apollo answers that, as for any request.
      return next();
    }
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body, answer.encoding as BufferEncoding);
    sharing.answered?.(answer.leader, startedAt);
  };
}

/**
 * Runs the first request of a kind. Its context is built now (Apollo gets
 * the same one), so joiners learn whether it will be shared as soon as the
 * service decides. Its answer is taken as Express writes it: in one `end`,
 * as Apollo's Express integration writes any answer not streamed.
 */
function lead<TContext>(req: Request, res: Response, contexts: RequestContexts<TContext>, sharing: RequestSharing<TContext>): Leading<TContext> {
  let ended!: () => void;
  const end = new Promise<false>((resolve) => (ended = () => resolve(false)));
  res.once('close', ended);
  const context = contexts.of(req, res);
  // A context that fails (a bad token) is Apollo's to answer when it asks for it.
  const shared = context.then((leader) => Promise.race([sharing.decided(leader), end]), () => false);

  const answer = new Promise<Answer<TContext> | null>((resolve) => {
    const write = res.end;
    res.end = function (this: Response, ...args: unknown[]) {
      res.end = write;
      const [body, encoding] = args;
      // Headers already sent: the answer streamed (incremental delivery) and is not whole here.
      if (!res.headersSent && (typeof body === 'string' || Buffer.isBuffer(body))) {
        const answered = { status: res.statusCode, headers: res.getHeaders(), body, encoding: typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined };
        for (const name of OWN_HEADERS) delete answered.headers[name];
        Promise.all([shared, context]).then(
          ([share, leader]) => resolve(share ? { ...answered, leader } : null),
          () => resolve(null),
        );
      } else resolve(null);
      ended();
      return (write as (...args: unknown[]) => Response).apply(this, args);
    } as Response['end'];
    res.once('close', () => resolve(null));
  });
  return { shared, answer };
}

/**
 * What makes two requests identical for their answer: a JSON POST's body,
 * its `Authorization` (all the service knows of the caller) and `Accept`
 * (the answer's media type, and with it its status codes). Null for what
 * is not keyed: GETs, and bodies nested too deep to serialize.
 */
function requestKey(req: Request): string | null {
  if (req.method !== 'POST' || typeof req.body !== 'object' || req.body === null) return null;
  try {
    return `${req.headers.authorization ?? ''}\n${req.headers.accept ?? ''}\n${JSON.stringify(req.body)}`;
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
}
