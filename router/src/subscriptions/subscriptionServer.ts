import type http from 'node:http';
import type { ExecutionResult } from 'graphql';
import type { Context } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocket, WebSocketServer } from 'ws';
import { appError, sessionFromAuthorization, type Logger, type Viewer } from '@supergraph/common';
import type { RouterConfig } from '../config.ts';
import { InFlight } from '../inFlight.ts';
import { clientAddress } from '../rateLimit/clientAddress.ts';
import { isRefused, type OperationStarter } from './operationStarter.ts';
import { createSocketDelivery } from './socketDelivery.ts';
import { createSocketErrorFormatter } from './socketErrors.ts';
import { isRefusal, socketOwner, type SocketAccount, type SubscriptionLimits } from './subscriptionLimits.ts';

type ConnectionExtra = {
  /** From the upgrade request (graphql-ws/use/ws's `extra.request`). */
  clientAddress?: string;
  viewer?: Viewer;
  scopes?: ReadonlySet<string>;
  authorization?: string;
  /** What the socket counts against the limits, from its acknowledgement until it closes. */
  account?: SocketAccount;
};

/**
 * Closes a socket at `connection_init` when its user (its client address,
 * when anonymous) already has as many sockets open as allowed. Like HTTP 429;
 * graphql-ws clients do not reconnect on it, where they would on 4403.
 */
const TOO_MANY_CONNECTIONS = 4429;

export interface SubscriptionServerOptions {
  httpServer: http.Server;
  config: RouterConfig;
  logger: Logger;
  /** Starts operations as every streaming transport does. */
  starter: OperationStarter;
  /** The caps every streaming transport counts against. */
  limits: SubscriptionLimits;
}

/** `connection_init` payloads carry the token as `authorization` (or `Authorization`, or in `headers`). */
function authorizationFrom(params: Record<string, unknown> | undefined): string | undefined {
  const headers = (params?.headers ?? {}) as Record<string, unknown>;
  const value = params?.authorization ?? params?.Authorization ?? headers.authorization ?? headers.Authorization;
  return typeof value === 'string' ? value : undefined;
}

/**
 * GraphQL over WebSocket (graphql-ws protocol) on the router's own port and
 * path. Documents pass the same armor limits as over HTTP; the token from
 * `connection_init` is verified before the connection is acknowledged (a bad
 * one closes it with 4403); subscriptions are fed by the hub.
 */
export function startSubscriptionServer(options: SubscriptionServerOptions) {
  const { config, logger } = options;
  const format = createSocketErrorFormatter(config, logger);
  const wsServer = new WebSocketServer({ server: options.httpServer, path: '/graphql', maxPayload: 1024 * 1024 });

  const limits = options.limits;
  const { starter } = options;
  const inFlight = new InFlight();
  const operations = new WeakMap<object, SocketOperations>();
  const operationsOf = (ctx: object) => operations.get(ctx) ?? operations.set(ctx, new SocketOperations()).get(ctx)!;
  const delivery = createSocketDelivery(format.result);
  // A started subscription's socket and id, by its context, from onSubscribe to subscribe.
  const subscribers = new WeakMap<object, { ctx: Context<Record<string, unknown>, ConnectionExtra & Extra>; id: string }>();
  let closing = false;
  useServer<Record<string, unknown>, ConnectionExtra>(
    {
      connectionInitWaitTimeout: config.WS_CONNECTION_INIT_TIMEOUT_MS,
      // A result with errors is an answer, not a failure: it goes out as `next`, and the socket and its other subscriptions carry on.
      // graphql-ws's own messages follow the live results written before them (socketDelivery).
      onNext: (ctx, _id, _payload, _args, result) => {
        delivery.flush(ctx.extra.socket);
        return format.result(result);
      },
      onError: (ctx, _id, _payload, errors) => {
        delivery.flush(ctx.extra.socket);
        return format.errors(errors);
      },
      onComplete: (ctx, id) => {
        delivery.flush(ctx.extra.socket);
        operationsOf(ctx).finish(id);
      },
      onClose: (ctx) => {
        operationsOf(ctx).finishAll();
        // Every slot the socket still holds is given back, whatever closed it (client, expiry, shutdown).
        if (ctx.extra.account) limits.closeSocket(ctx.extra.account);
      },
      isProd: config.NODE_ENV === 'production',
      onConnect: async (ctx) => {
        const authorization = authorizationFrom(ctx.connectionParams);
        try {
          const session = await sessionFromAuthorization(authorization, config);
          // A socket that closed while its token was checked is not counted: its onClose may have run already.
          if (ctx.extra.socket.readyState !== WebSocket.OPEN) return false;
          const { request } = ctx.extra;
          const address = clientAddress(request.socket.remoteAddress, request.headers['x-forwarded-for'], config.TRUSTED_PROXY_HOPS);
          const owner = socketOwner(session.viewer, address);
          const account = limits.openSocket(owner);
          if (isRefusal(account)) {
            logger.warn({ ...account, owner: owner.key }, `closed a socket over a limit (${TOO_MANY_CONNECTIONS})`);
            // The first close wins: graphql-ws's own 4403 for `false` then does nothing.
            ctx.extra.socket.close(TOO_MANY_CONNECTIONS, 'Too many connections');
            return false;
          }
          ctx.extra.account = account;
          ctx.extra.viewer = session.viewer;
          ctx.extra.scopes = session.scopes;
          ctx.extra.authorization = authorization;
          ctx.extra.clientAddress = address;
          if (session.expiresAt !== null) closeAtExpiry(ctx.extra.socket, session.expiresAt);
          return true;
        } catch {
          // graphql-ws closes the socket with 4403 Forbidden.
          return false;
        }
      },
      onSubscribe: async (ctx, id, payload) => {
        try {
          if (closing) return [appError('SERVICE_UNAVAILABLE', 'The router is shutting down; reconnect and retry.')];
          const { extra } = ctx;
          const started = await starter.start(payload, { viewer: extra.viewer ?? null, scopes: extra.scopes ?? new Set(), authorization: extra.authorization, clientAddress: extra.clientAddress!, account: extra.account! });
          if (isRefused(started)) return started;
          if (started.kind === 'subscription') subscribers.set(started.contextValue, { ctx, id });
          // A query or mutation is in flight until its result has been sent (onComplete) or its socket is gone.
          if (started.kind !== 'subscription') inFlight.track(operationsOf(ctx).start(id));
          return started;
        } catch (error) {
          // Whatever a client sent, it gets an error for this operation; the socket and its other subscriptions stay.
          logger.error({ err: error }, 'could not start a WebSocket operation');
          return [appError('INTERNAL_SERVER_ERROR', 'Internal server error')];
        }
      },
      // graphql-ws ends the stream however the subscription ends (complete, error, socket closed), and the slot with it.
      // Live results skip the stream: the hub writes them to the socket (one serialization per group), and the stream
      // carries only a final result. graphql-ws iterates the stream only once it runs the operation under its id.
      subscribe: (args) => {
        const subscriber = subscribers.get(args.contextValue as object)!;
        const { ctx, id } = subscriber;
        const stream: AsyncIterableIterator<ExecutionResult> = starter.subscribe(args, delivery.to(ctx.extra.socket, ctx.extra.request.socket, id, () => ctx.subscriptions[id] === stream));
        return stream;
      },
      execute: starter.execute,
    },
    wsServer,
    config.WS_KEEPALIVE_MS,
  );

  return {
    wsServer,
    /**
     * Stops accepting sockets and operations, lets the operations in flight
     * finish (at most SHUTDOWN_GRACE_MS), then closes every socket with 1001
     * Going Away, which ends its subscriptions: clients reconnect elsewhere.
     */
    close: async () => {
      closing = true;
      wsServer.close();
      await inFlight.settled(config.SHUTDOWN_GRACE_MS);
      await closeSockets([...wsServer.clients], config.SHUTDOWN_GRACE_MS);
    },
  };
}

/** Closes sockets with 1001 Going Away; any still open after `timeoutMs` (no close handshake) are cut. */
async function closeSockets(sockets: WebSocket[], timeoutMs: number): Promise<void> {
  const closing = new InFlight();
  for (const socket of sockets) {
    closing.track(new Promise((resolve) => socket.once('close', resolve)));
    socket.close(1001, 'Going away');
  }
  if (!(await closing.settled(timeoutMs))) for (const socket of sockets) socket.terminate();
}

/** The queries and mutations of one socket between their subscribe message and their result going out. */
class SocketOperations {
  private readonly done = new Map<string, () => void>();

  start(id: string): Promise<void> {
    return new Promise((resolve) => this.done.set(id, resolve));
  }

  finish(id: string): void {
    this.done.get(id)?.();
    this.done.delete(id);
  }

  finishAll(): void {
    for (const id of [...this.done.keys()]) this.finish(id);
  }
}

/** The longest delay setTimeout keeps (about 24.8 days); a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A socket lives no longer than the token it was opened with: at `exp` it
 * closes with 4403 Forbidden, which ends its subscriptions; the client
 * reconnects with a fresh token.
 */
function closeAtExpiry(socket: WebSocket, expiresAt: number): void {
  const timer = setTimeout(() => socket.close(4403, 'Forbidden: the token expired'), Math.min(Math.max(expiresAt - Date.now(), 0), MAX_TIMER_MS));
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}
