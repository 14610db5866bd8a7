import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { ApolloServer } from '@apollo/server';
import {
  execute,
  getArgumentValues,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  parse,
  print,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocket, WebSocketServer } from 'ws';
import { appError, createArmor, documentLimits, findExcessiveNesting, findMalformedText, sessionFromAuthorization, type Logger, type Viewer } from '@supergraph/common';
import type { RouterConfig } from '../config.ts';
import type { RouterContext } from '../routerContext.ts';
import { withoutHttp, type GuardedGateway } from '../guardedGateway.ts';
import { InFlight } from '../inFlight.ts';
import { clientAddress } from '../rateLimit/clientAddress.ts';
import { eventFeedsOf, feedPayload } from './eventFeeds.ts';
import { createSocketErrorFormatter, withCode } from './socketErrors.ts';
import { eventSummary, type SubscriptionHub, type SubscriptionSpec } from './subscriptionHub.ts';
import { isRefusal, limitExceeded, releasingSlot, socketOwner, SubscriptionLimits, type Refusal, type Slot, type SocketAccount } from './subscriptionLimits.ts';
import { ENTITY_ID_VARIABLE, toEntityQuery } from './toEntityQuery.ts';

type ConnectionExtra = {
  /** From the upgrade request (graphql-ws/use/ws's `extra.request`). */
  clientAddress?: string;
  viewer?: Viewer;
  scopes?: ReadonlySet<string>;
  authorization?: string;
  /** What the socket counts against the limits, from its acknowledgement until it closes. */
  account?: SocketAccount;
  /** A socket's first refused subscription is logged, not each one a client may keep sending. */
  refusalLogged?: boolean;
};

/** The subscription a subscribe message starts, and its slot under the limits, handed from `onSubscribe` to `subscribe`. */
type SubscriptionContext = RouterContext & { subscription?: SubscriptionSpec; slot?: Slot };

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
  apollo: ApolloServer<RouterContext>;
  /** The supergraph's current API schema. */
  schema: () => GraphQLSchema;
  /** Authorizes and checks a subscription when it starts, as the executor does for every other operation. */
  gateway: Pick<GuardedGateway, 'admit' | 'stillAdmitted'>;
  /** Null when the router has no event source: subscribing is then an error, queries still work. */
  hub: SubscriptionHub | null;
}

/** `connection_init` payloads carry the token as `authorization` (or `Authorization`, or in `headers`). */
function authorizationFrom(params: Record<string, unknown> | undefined): string | undefined {
  const headers = (params?.headers ?? {}) as Record<string, unknown>;
  const value = params?.authorization ?? params?.Authorization ?? headers.authorization ?? headers.Authorization;
  return typeof value === 'string' ? value : undefined;
}

function singleResult(response: Awaited<ReturnType<ApolloServer<RouterContext>['executeOperation']>>): ExecutionResult {
  if (response.body.kind !== 'single') throw new Error('incremental delivery is not supported over graphql-ws');
  return response.body.singleResult as ExecutionResult;
}

/**
 * Whether a lookup says the subscriber may not see this event's entity: the
 * root came back null, and only because it is not theirs (FORBIDDEN,
 * UNAUTHENTICATED) or no longer exists. They get nothing for that event;
 * other failures are sent, so a subscriber never misses an event silently.
 */
function isHiddenFromViewer(result: ExecutionResult, responseKey: string): boolean {
  if (result.data?.[responseKey] != null) return false;
  const hiding = new Set(['FORBIDDEN', 'UNAUTHENTICATED', 'NOT_FOUND']);
  return (result.errors ?? []).every((error) => error.path?.length === 1 && hiding.has(String(error.extensions?.code)));
}

/**
 * GraphQL over WebSocket (graphql-ws protocol) on the router's own port and
 * path. Documents pass the same armor limits as over HTTP; the token from
 * `connection_init` is verified before the connection is acknowledged (a bad
 * one closes it with 4403); subscriptions are fed by the hub.
 */
export function startSubscriptionServer(options: SubscriptionServerOptions) {
  const { config, logger, apollo, hub } = options;
  const armor = createArmor(config);
  const rules = [...specifiedRules, ...armor.validationRules];
  const format = createSocketErrorFormatter(config, logger);
  const wsServer = new WebSocketServer({ server: options.httpServer, path: '/graphql', maxPayload: 1024 * 1024 });

  const executeThroughGateway = async (document: DocumentNode, variables: Record<string, unknown> | undefined, operationName: string | undefined, contextValue: RouterContext) =>
    singleResult(await apollo.executeOperation({ query: print(document), variables, operationName }, { contextValue }));

  const prepareSubscription = async (
    schema: GraphQLSchema,
    requested: DocumentNode,
    operationName: string | undefined,
    rawVariables: Record<string, unknown>,
    context: SubscriptionContext,
  ): Promise<readonly GraphQLError[] | SubscriptionSpec> => {
    // What the subscriber may not read is removed once, here; each event's result carries the same errors for it.
    const admission = await options.gateway.admit(requested, operationName ?? null, rawVariables, context);
    if (!admission.operation) return admission.errors.map(withoutHttp);
    const { document } = admission.operation;
    const refusals = admission.errors;
    const operation = getOperationAST(document, operationName)!;
    const rootField = operation.selectionSet.selections[0];
    if (rootField?.kind !== 'Field') return withCode([new GraphQLError('Select the subscription field directly, not through a fragment.')], 'GRAPHQL_VALIDATION_FAILED');
    const feed = eventFeedsOf(admission.operation.supergraph).of(rootField.name.value);
    const fieldDefinition = schema.getSubscriptionType()?.getFields()[rootField.name.value];
    if (!feed || !fieldDefinition) return withCode([new GraphQLError(`Subscription.${rootField.name.value} is not served by this router.`)], 'GRAPHQL_VALIDATION_FAILED');
    if (!hub) return [appError('SERVICE_UNAVAILABLE', 'Subscriptions are not available: the router has no event source (set REDIS_URL).')];

    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables);
    if (coerced.errors) return withCode(coerced.errors, 'BAD_USER_INPUT');
    const args = getArgumentValues(fieldDefinition, rootField, coerced.coerced);

    const fragments = document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === 'FragmentDefinition');
    const entityQuery = feed.lookup ? toEntityQuery(operation, rootField as FieldNode, feed.lookup, fragments) : null;
    // Per token, not per user: each event is looked up with the group's token, which must outlive none of its members.
    const callerKey = context.authorization ?? 'anonymous';
    const responseKey = rootField.alias?.value ?? rootField.name.value;
    return {
      // Coerced variables: only declared ones, as deep as their types (raw ones may nest too deep to stringify).
      key: JSON.stringify([print(document), operationName ?? null, coerced.coerced, callerKey]),
      feed,
      args,
      revalidate: (next) => {
        const invalid = validate(next, requested, rules);
        return invalid.length ? invalid : options.gateway.stillAdmitted(requested, operationName ?? null, context);
      },
      resolve: async (event) => {
        const eventContext: RouterContext = { ...context, requestId: `event-${event.id}`, event: { id: event.id } };
        const result = entityQuery
          ? await executeThroughGateway(entityQuery, { ...rawVariables, [ENTITY_ID_VARIABLE]: event.aggregateId }, operationName, eventContext)
          : // Nothing left to look up (the entity is gone): the event is the payload.
            ((await execute({ schema: options.schema(), document, operationName, variableValues: rawVariables, rootValue: { [rootField.name.value]: feedPayload(feed, event) } })) as ExecutionResult);
        if (isHiddenFromViewer(result, responseKey)) return null;
        // The entity is read as it is now; the event says which change this result is for.
        const errors = refusals.length ? [...refusals, ...(result.errors ?? [])] : result.errors;
        return { ...result, ...(errors ? { errors } : {}), extensions: { ...result.extensions, event: eventSummary(event) } };
      },
    };
  };

  const limits = new SubscriptionLimits(config);
  const logRefusal = (extra: ConnectionExtra, refusal: Refusal) => {
    if (extra.refusalLogged) return;
    extra.refusalLogged = true;
    logger.warn({ ...refusal, owner: extra.account?.owner.key }, 'refused a subscription over a limit (logged once per socket)');
  };

  const inFlight = new InFlight();
  const operations = new WeakMap<object, SocketOperations>();
  const operationsOf = (ctx: object) => operations.get(ctx) ?? operations.set(ctx, new SocketOperations()).get(ctx)!;
  let closing = false;
  useServer<Record<string, unknown>, ConnectionExtra>(
    {
      connectionInitWaitTimeout: config.WS_CONNECTION_INIT_TIMEOUT_MS,
      // A result with errors is an answer, not a failure: it goes out as `next`, and the socket and its other subscriptions carry on.
      onNext: (_ctx, _id, _payload, _args, result) => format.result(result),
      onError: (_ctx, _id, _payload, errors) => format.errors(errors),
      onComplete: (ctx, id) => operationsOf(ctx).finish(id),
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
        // A subscription's slot, held here until its stream takes it over; given back on every other way out.
        let slot: Slot | undefined;
        try {
          if (closing) return [appError('SERVICE_UNAVAILABLE', 'The router is shutting down; reconnect and retry.')];
          const schema = options.schema();
          let document: DocumentNode;
          try {
            // Too deep for graphql-js's recursive parser: refused before it reads it, as over HTTP.
            const tooDeep = findExcessiveNesting(payload.query, documentLimits(config));
            if (tooDeep) return [tooDeep];
            document = parse(payload.query, armor.parseOptions);
          } catch (error) {
            return withCode([error instanceof GraphQLError ? error : new GraphQLError(String(error))], 'GRAPHQL_PARSE_FAILED');
          }
          const operation = getOperationAST(document, payload.operationName);
          if (operation?.operation === 'subscription') {
            // Taken before anything is awaited: subscribes sent together are counted one by one, and a
            // refusal costs only the parse (no validation, no hub, no gateway).
            const taken = limits.take(ctx.extra.account!);
            if (isRefusal(taken)) {
              logRefusal(ctx.extra, taken);
              return [limitExceeded(taken)];
            }
            slot = taken;
          }
          const errors = validate(schema, document, rules);
          if (errors.length) return withCode(errors, 'GRAPHQL_VALIDATION_FAILED');
          if (!operation) return withCode([new GraphQLError('Name the operation to run: the document has several.')], 'GRAPHQL_VALIDATION_FAILED');
          const malformed = findMalformedText(schema, document, payload.operationName, payload.variables);
          if (malformed) return [malformed];
          const requestId = randomUUID();
          const contextValue: SubscriptionContext = {
            viewer: ctx.extra.viewer ?? null,
            scopes: ctx.extra.scopes ?? new Set(),
            authorization: ctx.extra.authorization,
            clientAddress: ctx.extra.clientAddress!,
            requestId,
            logger: logger.child({ requestId }),
          };
          // A query or mutation is in flight until its result has been sent (onComplete) or its socket is gone.
          if (operation.operation !== 'subscription') inFlight.track(operationsOf(ctx).start(id));
          if (operation.operation === 'subscription') {
            const spec = await prepareSubscription(schema, document, payload.operationName ?? undefined, payload.variables ?? {}, contextValue);
            if (Array.isArray(spec)) return spec;
            contextValue.subscription = spec as SubscriptionSpec;
            contextValue.slot = slot;
            slot = undefined;
          }
          return { schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue };
        } catch (error) {
          // Whatever a client sent, it gets an error for this operation; the socket and its other subscriptions stay.
          logger.error({ err: error }, 'could not start a WebSocket operation');
          return [appError('INTERNAL_SERVER_ERROR', 'Internal server error')];
        } finally {
          slot?.release();
        }
      },
      // graphql-ws ends the stream however the subscription ends (complete, error, socket closed), and the slot with it.
      subscribe: (args: ExecutionArgs) => {
        const { subscription, slot } = args.contextValue as SubscriptionContext;
        return releasingSlot(hub!.subscribe(subscription!), slot!);
      },
      execute: (args: ExecutionArgs) =>
        executeThroughGateway(args.document, args.variableValues ?? undefined, args.operationName ?? undefined, args.contextValue as RouterContext),
    },
    wsServer,
    config.WS_KEEPALIVE_MS,
  );

  return {
    wsServer,
    limits,
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
