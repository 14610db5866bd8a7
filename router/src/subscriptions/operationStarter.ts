import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { ApolloServer } from '@apollo/server';
import {
  execute,
  getArgumentValues,
  getOperationAST,
  getVariableValues,
  GraphQLError,
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
import { z } from 'zod';
import { appError, createArmor, documentLimits, findMalformedText, type Logger, type Viewer } from '@supergraph/common';
import type { RouterConfig } from '../config.ts';
import type { RouterContext } from '../routerContext.ts';
import { callerKey, callerOf, withoutHttp, type GuardedGateway } from '../guardedGateway.ts';
import { readsRuledFields } from '../authorization/readsRuledFields.ts';
import { eventFeedsOf, feedPayload } from './eventFeeds.ts';
import { withCode } from './socketErrors.ts';
import { eventSummary, type Delivery, type SubscriptionHub, type SubscriptionSpec } from './subscriptionHub.ts';
import { isRefusal, limitExceeded, releasingSlot, type Refusal, type SocketAccount, type SubscriptionLimits, type Slot } from './subscriptionLimits.ts';
import { createStreamDocuments } from './streamDocuments.ts';
import { ENTITY_ID_VARIABLE, toEntityQuery } from './toEntityQuery.ts';
import type { DocumentRegistry } from '../persistedDocuments/documentRegistry.ts';

/** Who holds a stream: the verified token's caller and what their connection counts against the limits. */
export interface StreamCaller {
  viewer: Viewer;
  scopes: ReadonlySet<string>;
  authorization: string | undefined;
  clientAddress: string;
  account: SocketAccount;
}

/** A GraphQL request as a streaming transport receives it (graphql-ws `subscribe` payload, SSE request body). */
export interface StreamRequest {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  extensions?: Record<string, unknown> | null;
}

/** The subscription a request starts, its slot under the limits and where it resumes, handed from `start` to `subscribe`. */
export type StreamContext = RouterContext & { subscription?: SubscriptionSpec; slot?: Slot; resumeAfter?: string };

/** `extensions.lastEventId`: the last `extensions.event.id` a reconnecting client received (SSE sends it as `Last-Event-ID`). */
const lastEventIdSchema = z.uuid().optional();

export type StartedOperation = ExecutionArgs & { contextValue: StreamContext; kind: 'subscription' | 'query' | 'mutation' };

export interface OperationStarterOptions {
  config: RouterConfig;
  logger: Logger;
  apollo: ApolloServer<RouterContext>;
  /** The supergraph's current API schema. */
  schema: () => GraphQLSchema;
  /** Authorizes and checks a subscription when it starts, as the executor does for every other operation. */
  gateway: Pick<GuardedGateway, 'admit' | 'stillAdmitted' | 'loaded'>;
  /** Null when the router has no event source: subscribing is then an error, queries still work. */
  hub: SubscriptionHub | null;
  limits: SubscriptionLimits;
  /** Which documents may run (PERSISTED_DOCUMENTS_ONLY); streams send their document's text. */
  registry: Pick<DocumentRegistry, 'refusalOf'>;
}

function singleResult(response: Awaited<ReturnType<ApolloServer<RouterContext>['executeOperation']>>): ExecutionResult {
  if (response.body.kind !== 'single') throw new Error('incremental delivery is not supported on a stream');
  return response.body.singleResult as ExecutionResult;
}

/**
 * Whether a lookup says the subscriber may not see this event's entity: the
 * root came back null, and only because it is not theirs (FORBIDDEN,
 * UNAUTHENTICATED) or no longer exists. They get nothing for that event;
 * other failures are sent, so a subscriber never misses an event silently.
 */
const HIDING_CODES = new Set(['FORBIDDEN', 'UNAUTHENTICATED', 'NOT_FOUND']);

function isHiddenFromViewer(result: ExecutionResult, responseKey: string): boolean {
  if (result.data?.[responseKey] != null) return false;
  return (result.errors ?? []).every((error) => error.path?.length === 1 && HIDING_CODES.has(String(error.extensions?.code)));
}

/**
 * Starts operations for the streaming transports (graphql-ws and SSE) the
 * same way: documents pass the armor limits as over HTTP, subscriptions
 * count against the caps before any other work, are authorized and checked
 * by the router's guards, and are fed by the hub from the supergraph's
 * `@fromEvents` declarations; queries and mutations go through the gateway.
 */
export type OperationStarter = ReturnType<typeof createOperationStarter>;

/** Whether `start` refused the operation (its errors) rather than starting it. */
export const isRefused = (started: readonly GraphQLError[] | StartedOperation): started is readonly GraphQLError[] => Array.isArray(started);

export function createOperationStarter(options: OperationStarterOptions) {
  const { config, apollo, hub, limits } = options;
  const armor = createArmor(config);
  const rules = [...specifiedRules, ...armor.validationRules];
  const documents = createStreamDocuments({ limits: documentLimits(config), parseOptions: armor.parseOptions, rules });
  // A connection's first refused subscription is logged, not each one a client may keep sending.
  const refusalLogged = new WeakSet<SocketAccount>();
  const logRefusal = (account: SocketAccount, refusal: Refusal) => {
    if (refusalLogged.has(account)) return;
    refusalLogged.add(account);
    options.logger.warn({ ...refusal, owner: account.owner.key }, 'refused a subscription over a limit (logged once per connection)');
  };

  const executeThroughGateway = async (document: DocumentNode, variables: Record<string, unknown> | undefined, operationName: string | undefined, contextValue: RouterContext) =>
    singleResult(await apollo.executeOperation({ query: print(document), variables, operationName }, { contextValue }));

  const prepareSubscription = async (
    schema: GraphQLSchema,
    requested: DocumentNode,
    operationName: string | undefined,
    rawVariables: Record<string, unknown>,
    context: StreamContext,
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

    if (operation.variableDefinitions?.some((definition) => definition.variable.name.value === ENTITY_ID_VARIABLE)) {
      return [appError('BAD_USER_INPUT', `\`$${ENTITY_ID_VARIABLE}\` is reserved for the router's event lookups; name the variable otherwise.`, { field: ENTITY_ID_VARIABLE })];
    }
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables);
    if (coerced.errors) return withCode(coerced.errors, 'BAD_USER_INPUT');
    const args = getArgumentValues(fieldDefinition, rootField, coerced.coerced);

    const fragments = document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === 'FragmentDefinition');
    const entityQuery = feed.lookup ? toEntityQuery(operation, rootField as FieldNode, feed.lookup, fragments) : null;
    // What every caller of the same kind sees alike is resolved once for all of them, without a token: the
    // lookup reads no field whose value depends on who asks (those declare @authenticated or @requiresScopes).
    // Anything else is looked up per token, not per user: the group's token must outlive none of its members.
    const shared = !readsRuledFields(schema, admission.operation.rules, entityQuery ?? document);
    const groupKey = shared ? callerKey(callerOf(context)) : (context.authorization ?? 'anonymous');
    const lookupContext: RouterContext = shared ? { ...context, viewer: null, scopes: new Set(), authorization: undefined } : context;
    const responseKey = rootField.alias?.value ?? rootField.name.value;
    return {
      // Coerced variables: only declared ones, as deep as their types (raw ones may nest too deep to stringify).
      key: JSON.stringify([print(document), operationName ?? null, coerced.coerced, groupKey]),
      feed,
      args,
      revalidate: (next) => {
        const invalid = validate(next, requested, rules);
        if (invalid.length) return invalid;
        const refused = options.gateway.stillAdmitted(requested, operationName ?? null, context);
        if (refused.length) return refused;
        // A group keeps the feed and the sharing it started with: when the new supergraph changes either, it ends.
        const loaded = options.gateway.loaded();
        if (!isDeepStrictEqual(eventFeedsOf(loaded.supergraph).of(rootField.name.value), feed)) {
          return [new GraphQLError(`Subscription.${rootField.name.value} is now fed by other events or looked up otherwise; subscribe again.`)];
        }
        if (shared && readsRuledFields(next, loaded.rules, entityQuery ?? document)) {
          return [new GraphQLError('This selection now reads fields that depend on who asks; subscribe again.')];
        }
        return [];
      },
      resolve: async (event) => {
        const eventContext: RouterContext = { ...lookupContext, requestId: `event-${event.id}`, event: { id: event.id } };
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


  /** Errors for the client, or what the transport runs; a subscription's slot is held by the returned context. */
  const start = async (request: StreamRequest, caller: StreamCaller): Promise<readonly GraphQLError[] | StartedOperation> => {
    // A subscription's slot, held here until its stream takes it over; given back on every other way out.
    let slot: Slot | undefined;
    try {
      const schema = options.schema();
      const unregistered = options.registry.refusalOf(request.query);
      if (unregistered) return [unregistered];
      const parsed = documents.of(schema, request.query);
      if ('errors' in parsed) return parsed.errors;
      const { document } = parsed;
      const operationName = request.operationName ?? undefined;
      const operation = getOperationAST(document, operationName);
      if (operation?.operation === 'subscription') {
        // Taken before anything is awaited: subscribes sent together are counted one by one, and a
        // refusal costs only the parse (no validation, no hub, no gateway).
        const taken = limits.take(caller.account);
        if (isRefusal(taken)) {
          logRefusal(caller.account, taken);
          return [limitExceeded(taken)];
        }
        slot = taken;
      }
      const errors = documents.validationOf(schema, parsed);
      if (errors.length) return withCode(errors, 'GRAPHQL_VALIDATION_FAILED');
      if (!operation) return withCode([new GraphQLError('Name the operation to run: the document has several.')], 'GRAPHQL_VALIDATION_FAILED');
      const variables = request.variables ?? {};
      const malformed = findMalformedText(schema, document, operationName, variables);
      if (malformed) return [malformed];
      const requestId = randomUUID();
      const contextValue: StreamContext = {
        viewer: caller.viewer,
        scopes: caller.scopes,
        authorization: caller.authorization,
        clientAddress: caller.clientAddress,
        requestId,
        logger: options.logger.child({ requestId }),
      };
      if (operation.operation === 'subscription') {
        const lastEventId = lastEventIdSchema.safeParse(request.extensions?.lastEventId);
        if (!lastEventId.success) return [appError('BAD_USER_INPUT', '`extensions.lastEventId` must be the `extensions.event.id` of a result received earlier.', { field: 'extensions.lastEventId' })];
        contextValue.resumeAfter = lastEventId.data;
        const spec = await prepareSubscription(schema, document, operationName, variables, contextValue);
        if (Array.isArray(spec)) return spec;
        contextValue.subscription = spec as SubscriptionSpec;
        contextValue.slot = slot;
        slot = undefined;
      }
      return { schema, document, operationName, variableValues: variables, contextValue, kind: operation.operation };
    } finally {
      slot?.release();
    }
  };

  return {
    start,
    /** The stream of a started subscription; it gives its slot back however it ends. With `delivery`, see SubscriptionHub.subscribe. */
    subscribe: (args: ExecutionArgs, delivery?: Delivery) => {
      const { subscription, slot, resumeAfter } = args.contextValue as StreamContext;
      return releasingSlot(hub!.subscribe(subscription!, resumeAfter, delivery), slot!);
    },
    execute: (args: ExecutionArgs) =>
      executeThroughGateway(args.document, args.variableValues ?? undefined, args.operationName ?? undefined, args.contextValue as RouterContext),
  };
}
