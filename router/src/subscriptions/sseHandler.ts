import express from 'express';
import { GraphQLError, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { print, type Response as SseResponse } from 'graphql-sse';
import { createHandler } from 'graphql-sse/lib/use/express';
import { appError, sessionFromAuthorization, unauthenticated, type Logger } from '@supergraph/common';
import type { RouterConfig } from '../config.ts';
import { clientAddress } from '../rateLimit/clientAddress.ts';
import { isRefused, type OperationStarter } from './operationStarter.ts';
import { createSocketErrorFormatter } from './socketErrors.ts';
import { sseWriter } from './sseWriter.ts';
import { createTurnDelivery, perResult } from './turnDelivery.ts';
import { isRefusal, socketOwner, type SocketAccount, type SubscriptionLimits } from './subscriptionLimits.ts';

export interface SseOptions {
  config: RouterConfig;
  logger: Logger;
  limits: SubscriptionLimits;
  /** Bound late: the starter needs the Apollo server this handler is mounted before. */
  starter: () => OperationStarter;
}

const json = (status: number, body: unknown): SseResponse => [JSON.stringify(body), { status, statusText: '', headers: { 'content-type': 'application/json; charset=utf-8' } }];

/** The longest delay setTimeout keeps (about 24.8 days); a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * GraphQL over Server-Sent Events (graphql-sse, "distinct connections"
 * mode) on the same `/graphql` path, for clients that cannot hold a
 * WebSocket: a request that accepts `text/event-stream` gets a stream.
 * The token comes from the Authorization header and the operation starts
 * exactly as over graphql-ws (same limits, guards and hub); each stream
 * counts as one connection of its caller. A subscription ends with a last
 * result at its token's `exp` (UNAUTHENTICATED), when its client stops
 * reading, and when the router stops (SERVICE_UNAVAILABLE: reconnect).
 */
export function createSseHandler(options: SseOptions) {
  const { config, logger, limits } = options;
  const format = createSocketErrorFormatter(config, logger);
  /** Per started operation (its context): what its stream counts against the caps, when its token expires, its response. */
  const streams = new WeakMap<object, { account: SocketAccount; expiresAt: number | undefined; res: express.Response }>();
  /** How to end each stream open now: on shutdown, with a last result telling its client to reconnect. */
  const open = new Set<(result: ExecutionResult) => void>();
  let closing = false;
  // Live results skip graphql-sse, which serializes each per stream and writes one at a time, each after the one
  // before is flushed: the hub writes them (one serialization per group, every stream of it the same bytes).
  const messageOf = perResult((result) => Buffer.from(print({ event: 'next', data: format.result(result) as ExecutionResult })));
  const delivery = createTurnDelivery(sseWriter);

  // Formatted as every other result is; graphql-sse sends it as the stream's one result (it needs `data` to tell a result).
  const refusal = (errors: readonly GraphQLError[]) => ({ data: null, errors: format.errors(errors) }) as unknown as ExecutionResult;

  const handler = createHandler<Record<PropertyKey, unknown>>({
    // Distinct connections only: one request, one operation, one stream.
    authenticate: () => null,
    // Validated by the starter with the armor rules already.
    validate: () => [],
    onSubscribe: async (req, params) => {
      if (closing) return refusal([appError('SERVICE_UNAVAILABLE', 'The router is shutting down; reconnect and retry.')]);
      let session;
      try {
        session = await sessionFromAuthorization(req.headers.get('authorization') ?? undefined, config);
      } catch (error) {
        return json(401, { errors: format.errors([error instanceof GraphQLError ? error : unauthenticated()]) });
      }
      const raw = req.raw;
      const address = clientAddress(raw.socket.remoteAddress, raw.headers['x-forwarded-for'], config.TRUSTED_PROXY_HOPS);
      const account = limits.openSocket(socketOwner(session.viewer, address));
      if (isRefusal(account)) {
        logger.warn({ ...account }, 'refused an event stream over a connection limit');
        return json(429, { errors: [{ message: `Too many connections (${account.limit}: at most ${account.max}).`, extensions: { code: 'SUBSCRIPTION_LIMIT_EXCEEDED', limit: account.limit, max: account.max } }] });
      }
      try {
        // A reconnecting client names the last event it received the standard way.
        const lastEventId = req.headers.get('last-event-id');
        const request = lastEventId ? { ...params, extensions: { ...params.extensions, lastEventId } } : params;
        const started = await options.starter().start(request as never, {
          viewer: session.viewer,
          scopes: session.scopes,
          authorization: req.headers.get('authorization') ?? undefined,
          clientAddress: address,
          account,
        });
        if (isRefused(started)) {
          limits.closeSocket(account);
          return refusal(started);
        }
        // graphql-sse would refuse it after this point, where the connection is no longer given back.
        if (started.kind === 'mutation' && req.method !== 'POST') {
          limits.closeSocket(account);
          return json(405, { errors: [{ message: 'Send mutations with POST.', extensions: { code: 'BAD_REQUEST' } }] });
        }
        streams.set(started.contextValue, { account, expiresAt: session.expiresAt ?? undefined, res: req.context.res as express.Response });
        return started as unknown as ExecutionArgs & { contextValue: Record<PropertyKey, unknown> };
      } catch (error) {
        limits.closeSocket(account);
        logger.error({ err: error }, 'could not start an event stream operation');
        return refusal([appError('INTERNAL_SERVER_ERROR', 'Internal server error')]);
      }
    },
    subscribe: (args) => {
      const { res, expiresAt } = streams.get(args.contextValue)!;
      // Over once its last result is on its way: nothing live may follow it, and what was live before it goes first.
      let live = true;
      const stream = options.starter().subscribe(args, delivery.to(res, () => live, messageOf));
      return endingAt(stream, expiresAt, () => {
        delivery.flush(res);
        live = false;
      });
    },
    execute: (args) => options.starter().execute(args),
    // graphql-sse's own messages (a final result, `complete`) follow the live results written before them.
    onNext: (ctx, _req, result) => {
      const res = streams.get(ctx as object)?.res;
      if (res) delivery.flush(res);
      return format.result(result as ExecutionResult) as ExecutionResult;
    },
    onComplete: (ctx) => {
      const stream = streams.get(ctx as object);
      if (!stream) return;
      delivery.flush(stream.res);
      limits.closeSocket(stream.account);
    },
  });

  /** Ends a stream with a last result when its token expires or the router stops; `ending` is told first. */
  function endingAt(stream: AsyncIterableIterator<ExecutionResult>, expiresAt: number | undefined, ending: () => void): AsyncIterableIterator<ExecutionResult> {
    let endWith!: (result: ExecutionResult) => void;
    const final = new Promise<{ final: ExecutionResult }>((resolve) => (endWith = (result) => resolve({ final: result })));
    const timer =
      expiresAt === undefined
        ? undefined
        : setTimeout(() => endWith({ errors: [unauthenticated('The token expired; subscribe again with a fresh one.')] }), Math.min(Math.max(expiresAt - Date.now(), 0), MAX_TIMER_MS));
    let ended = false;
    const finish = async () => {
      ended = true;
      ending();
      clearTimeout(timer);
      open.delete(endWith);
      await stream.return?.();
    };
    const wrapped: AsyncGenerator<ExecutionResult, undefined> = {
      [Symbol.asyncIterator]: () => wrapped,
      next: async () => {
        if (ended) return { done: true, value: undefined };
        const next = await Promise.race([stream.next(), final]);
        if ('final' in next) {
          await finish();
          return { done: false, value: next.final };
        }
        if (next.done) await finish();
        return next;
      },
      return: async () => {
        await finish();
        return { done: true, value: undefined };
      },
      // graphql-sse ends only what looks like an async generator when its client goes away.
      throw: async (error: unknown) => {
        await finish();
        throw error;
      },
    };
    open.add(endWith);
    return wrapped;
  }

  return {
    /** For `app.all('/graphql', ...)`: takes requests that ask for an event stream; anything else goes on to Apollo. */
    middleware: [
      // Mounted with app.all, so 'route' hands every other request on to Apollo.
      (req: express.Request, _res: express.Response, next: express.NextFunction) => next(req.headers.accept === 'text/event-stream' ? undefined : 'route'),
      // Bounded as over plain HTTP; graphql-sse would otherwise read any body whole, whatever its media type.
      (req: express.Request, res: express.Response, next: express.NextFunction) =>
        req.method === 'POST' && !req.is('application/json')
          ? void res.status(415).json({ errors: [{ message: 'Send the request as application/json.', extensions: { code: 'BAD_REQUEST' } }] })
          : next(),
      express.json({ limit: '1mb' }),
      (req: express.Request, res: express.Response) =>
        void handler(req, res).catch((error: unknown) => {
        logger.error({ err: error }, 'event stream failed');
        if (!res.headersSent) res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
        else res.end();
      }),
    ],
    /** Streams open now. */
    get open(): number {
      return open.size;
    },
    /** Refuses new streams and ends the open ones with SERVICE_UNAVAILABLE, so their clients reconnect elsewhere. */
    close: async () => {
      closing = true;
      const going = appError('SERVICE_UNAVAILABLE', 'The router is shutting down; reconnect and resume from your last event id.');
      for (const end of [...open]) end({ errors: [going] });
    },
  };
}
