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
import { WebSocketServer } from 'ws';
import { appError, createArmor, unauthenticated, viewerFromAuthorization, type Logger, type Viewer } from '@supergraph/common';
import type { RouterConfig } from '../config.ts';
import type { RouterContext } from '../routerContext.ts';
import { createSocketErrorFormatter, withCode } from './socketErrors.ts';
import { eventSummary, type SubscriptionHub, type SubscriptionSpec } from './subscriptionHub.ts';
import { subscriptionFields } from './subscriptionFields.ts';
import { ENTITY_ID_VARIABLE, toEntityQuery } from './toEntityQuery.ts';

type ConnectionExtra = {
  viewer?: Viewer;
  authorization?: string;
};

type SubscriptionContext = RouterContext & { subscription?: SubscriptionSpec };

export interface SubscriptionServerOptions {
  httpServer: http.Server;
  config: RouterConfig;
  logger: Logger;
  apollo: ApolloServer<RouterContext>;
  /** The supergraph's current API schema. */
  schema: () => GraphQLSchema;
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
  const rules = [...specifiedRules, ...createArmor(config).validationRules];
  const format = createSocketErrorFormatter(config, logger);
  const wsServer = new WebSocketServer({ server: options.httpServer, path: '/graphql', maxPayload: 1024 * 1024 });

  const executeThroughGateway = async (document: DocumentNode, variables: Record<string, unknown> | undefined, operationName: string | undefined, contextValue: RouterContext) =>
    singleResult(await apollo.executeOperation({ query: print(document), variables, operationName }, { contextValue }));

  const prepareSubscription = async (
    schema: GraphQLSchema,
    document: DocumentNode,
    operationName: string | undefined,
    rawVariables: Record<string, unknown>,
    context: SubscriptionContext,
  ): Promise<readonly GraphQLError[] | SubscriptionSpec> => {
    const operation = getOperationAST(document, operationName)!;
    const rootField = operation.selectionSet.selections[0];
    if (rootField?.kind !== 'Field') return withCode([new GraphQLError('Select the subscription field directly, not through a fragment.')], 'GRAPHQL_VALIDATION_FAILED');
    const field = subscriptionFields[rootField.name.value];
    const fieldDefinition = schema.getSubscriptionType()?.getFields()[rootField.name.value];
    if (!field || !fieldDefinition) return withCode([new GraphQLError(`Subscription.${rootField.name.value} is not served by this router.`)], 'GRAPHQL_VALIDATION_FAILED');
    if (!hub) return [appError('INTERNAL_SERVER_ERROR', 'Subscriptions are not available: the router has no event source (set REDIS_URL).')];
    if (field.requiresViewer && !context.viewer) return [unauthenticated('Subscribing to this field needs a signed-in user.')];

    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables);
    if (coerced.errors) return withCode(coerced.errors, 'BAD_USER_INPUT');
    const args = getArgumentValues(fieldDefinition, rootField, coerced.coerced);
    const check = field.authorize?.(args);
    if (check) {
      const verdict = singleResult(await apollo.executeOperation(check, { contextValue: context }));
      if (verdict.errors?.length) return verdict.errors.map((error) => new GraphQLError(error.message, { extensions: error.extensions }));
    }

    const fragments = document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === 'FragmentDefinition');
    const entityQuery = field.lookup ? toEntityQuery(operation, rootField as FieldNode, field.lookup, fragments) : null;
    const viewerKey = context.viewer ? `${context.viewer.userId}:${context.viewer.role}` : 'anonymous';
    const responseKey = rootField.alias?.value ?? rootField.name.value;
    return {
      key: JSON.stringify([print(document), operationName ?? null, rawVariables, viewerKey]),
      field,
      args,
      viewer: context.viewer,
      revalidate: (next) => validate(next, document, rules),
      resolve: async (event) => {
        const eventContext = { ...context, requestId: `event-${event.id}` };
        const result = entityQuery
          ? await executeThroughGateway(entityQuery, { ...rawVariables, [ENTITY_ID_VARIABLE]: event.aggregateId }, operationName, eventContext)
          : // Nothing left to look up (the entity is gone): the event is the payload.
            ((await execute({ schema: options.schema(), document, operationName, variableValues: rawVariables, rootValue: { [rootField.name.value]: field.payload!(event) } })) as ExecutionResult);
        if (isHiddenFromViewer(result, responseKey)) return null;
        // The entity is read as it is now; the event says which change this result is for.
        return { ...result, extensions: { ...result.extensions, event: eventSummary(event) } };
      },
    };
  };

  const server = useServer<Record<string, unknown>, ConnectionExtra>(
    {
      connectionInitWaitTimeout: config.WS_CONNECTION_INIT_TIMEOUT_MS,
      // A result with errors is an answer, not a failure: it goes out as `next`, and the socket and its other subscriptions carry on.
      onNext: (_ctx, _id, _payload, _args, result) => format.result(result),
      onError: (_ctx, _id, _payload, errors) => format.errors(errors),
      isProd: config.NODE_ENV === 'production',
      onConnect: async (ctx) => {
        const authorization = authorizationFrom(ctx.connectionParams);
        try {
          ctx.extra.viewer = await viewerFromAuthorization(authorization, config);
          ctx.extra.authorization = authorization;
          return true;
        } catch {
          // graphql-ws closes the socket with 4403 Forbidden.
          return false;
        }
      },
      onSubscribe: async (ctx, _id, payload) => {
        const schema = options.schema();
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: config.ARMOR_MAX_TOKENS });
        } catch (error) {
          return withCode([error instanceof GraphQLError ? error : new GraphQLError(String(error))], 'GRAPHQL_PARSE_FAILED');
        }
        const errors = validate(schema, document, rules);
        if (errors.length) return withCode(errors, 'GRAPHQL_VALIDATION_FAILED');
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return withCode([new GraphQLError('Name the operation to run: the document has several.')], 'GRAPHQL_VALIDATION_FAILED');
        const requestId = randomUUID();
        const contextValue: SubscriptionContext = {
          viewer: ctx.extra.viewer ?? null,
          authorization: ctx.extra.authorization,
          requestId,
          logger: logger.child({ requestId }),
        };
        if (operation.operation === 'subscription') {
          const spec = await prepareSubscription(schema, document, payload.operationName ?? undefined, payload.variables ?? {}, contextValue);
          if (Array.isArray(spec)) return spec;
          contextValue.subscription = spec as SubscriptionSpec;
        }
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue };
      },
      subscribe: (args: ExecutionArgs) => hub!.subscribe((args.contextValue as SubscriptionContext).subscription!),
      execute: (args: ExecutionArgs) =>
        executeThroughGateway(args.document, args.variableValues ?? undefined, args.operationName ?? undefined, args.contextValue as RouterContext),
    },
    wsServer,
    config.WS_KEEPALIVE_MS,
  );

  return {
    wsServer,
    close: async () => {
      await server.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
