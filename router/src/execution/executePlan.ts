import { operationFromDocument, type Operation, type Schema } from '@apollo/federation-internals';
import type { executeQueryPlan, GraphQLDataSource, ServiceMap } from '@apollo/gateway';
import { evaluateCondition, type FetchNode, type PlanNode, type QueryPlan } from '@apollo/query-planner';
import type { GatewayExecutionResult, GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { SpanStatusCode, type Span } from '@opentelemetry/api';
import { GraphQLError, Kind, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { downstreamError, type Cursor } from './downstreamError.ts';
import { EntityBatches, type SubgraphAnswer } from './entityBatches.ts';
import { flattenAt } from './flattenAt.ts';
import {
  applyRewrites,
  gatewayExecuteQueryPlan,
  OpenTelemetrySpanNames,
  recordExceptions,
  tracer,
  type Rewrites,
  type TelemetryConfig,
} from './gatewayInternals.ts';
import { introspect } from './introspect.ts';
import { mergeInto } from './mergeInto.ts';
import { representationOf } from './representationOf.ts';
import { shapeResponse } from './shapeResponse.ts';

type OperationContext = Parameters<typeof executeQueryPlan>[3];

interface Run {
  operation: Operation;
  serviceMap: ServiceMap;
  requestContext: GatewayGraphQLRequestContext;
  supergraphSchema: GraphQLSchema;
  errors: GraphQLError[];
  telemetry: TelemetryConfig | undefined;
  batches: EntityBatches;
}

/**
 * Runs a query plan of `@apollo/gateway`'s planner: the gateway's
 * `executeQueryPlan`, same signature and same results, spans and errors,
 * made cheaper where the router's profile showed it. The gateway's rebuilt
 * the operation's federation form per request, allocated a usage-reporting
 * trace node per plan node whether traces were wanted or not, copied the
 * path per step and element to find a fetch's entities, and built
 * representations as prototype-less dictionaries: together with result
 * shaping, a third of the router's CPU on a nested query and most of its
 * garbage. Usage-reporting traces (`captureTraces`, which the router never
 * asks for) still go through the gateway's own.
 */
export async function executePlan(
  queryPlan: QueryPlan,
  serviceMap: ServiceMap,
  requestContext: GatewayGraphQLRequestContext,
  operationContext: OperationContext,
  supergraphSchema: GraphQLSchema,
  apiSchema: Schema,
  telemetry?: TelemetryConfig,
): Promise<GatewayExecutionResult> {
  if (requestContext.metrics?.captureTraces) {
    return gatewayExecuteQueryPlan(queryPlan, serviceMap, requestContext, operationContext, supergraphSchema, apiSchema, telemetry);
  }
  return tracer.startActiveSpan(OpenTelemetrySpanNames.EXECUTE, async (span) => {
    try {
      let operation: Operation;
      try {
        operation = operationOf(apiSchema, operationContext);
      } catch (error) {
        if (error instanceof GraphQLError) return { errors: [error] };
        throw error;
      }
      if (queryPlan.node?.kind === 'Subscription') throw new Error('Execution of subscriptions not supported by gateway');
      const run: Run = { operation, serviceMap, requestContext, supergraphSchema, errors: [], telemetry, batches: new EntityBatches() };
      const data = Object.create(null) as Record<string, unknown>;
      if (queryPlan.node) await executeNode(run, queryPlan.node, { path: [], data, fullResult: data });
      const result = tracer.startActiveSpan(OpenTelemetrySpanNames.POST_PROCESSING, (span) => shape(run, operationContext, data, span));
      if (result.errors) failed(span, result.errors, telemetry);
      return result;
    } catch (error) {
      failed(span, [error], telemetry);
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * The operation in federation-internals' form, built once per operation
 * (the parsed documents are cached by Apollo Server, and the router's
 * authorized ones by the router) and per API schema (a reload makes
 * another). Shaping caches its steps on it in turn.
 */
const operations = new WeakMap<Schema, WeakMap<OperationDefinitionNode, Operation>>();

function operationOf(apiSchema: Schema, operationContext: OperationContext): Operation {
  let ofSchema = operations.get(apiSchema);
  if (!ofSchema) operations.set(apiSchema, (ofSchema = new WeakMap()));
  let operation = ofSchema.get(operationContext.operation);
  if (!operation) {
    const definitions = [operationContext.operation, ...Object.values(operationContext.fragments)];
    operation = operationFromDocument(apiSchema, { kind: Kind.DOCUMENT, definitions }, { validate: false });
    ofSchema.set(operationContext.operation, operation);
  }
  return operation;
}

async function executeNode(run: Run, node: PlanNode, cursor: Cursor | undefined): Promise<void> {
  if (!cursor) return;
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await executeNode(run, child, cursor);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => executeNode(run, child, cursor)));
      return;
    case 'Flatten': {
      const data = flattenAt(cursor.data, node.path);
      return executeNode(run, node.node, data ? { path: cursor.path.concat(node.path), data, fullResult: cursor.fullResult } : undefined);
    }
    case 'Fetch':
      try {
        await executeFetch(run, node, cursor);
      } catch (error) {
        run.errors.push(error as GraphQLError);
      }
      return;
    case 'Condition': {
      const branch = evaluateCondition(node, run.operation.variableDefinitions, run.requestContext.request.variables) ? node.ifClause : node.elseClause;
      if (branch) await executeNode(run, branch, cursor);
      return;
    }
    case 'Defer':
      throw new Error('@defer support is not available in the gateway');
  }
}

function executeFetch(run: Run, fetch: FetchNode, cursor: Cursor): Promise<void> {
  return tracer.startActiveSpan(OpenTelemetrySpanNames.FETCH, { attributes: { service: fetch.serviceName } }, async (span) => {
    try {
      const service = run.serviceMap[fetch.serviceName];
      if (!service) throw new Error(`Couldn't find service with name "${fetch.serviceName}"`);
      const entities = (Array.isArray(cursor.data) ? cursor.data.filter((entity) => entity !== null && entity !== undefined) : [cursor.data]) as Record<string, unknown>[];
      if (entities.length < 1) return;
      const variables = variablesOf(fetch, run.requestContext.request.variables);
      const outputRewrites = fetch.outputRewrites as Rewrites;
      if (!fetch.requires) {
        const data = reported(run, fetch, cursor, await send(run, service, fetch, cursor, variables));
        if (data) applyRewrites(run.supergraphSchema, outputRewrites, data);
        for (const entity of entities) mergeInto(entity, data);
        return;
      }
      const representations: Record<string, unknown>[] = [];
      const representedEntities: Record<string, unknown>[] = [];
      for (const entity of entities) {
        const representation = representationOf(run.supergraphSchema, entity, fetch.requires);
        if (!representation?.__typename) continue;
        applyRewrites(run.supergraphSchema, fetch.inputRewrites as Rewrites, representation);
        representations.push(representation);
        representedEntities.push(entity);
      }
      if (representations.length < 1) return;
      if ('representations' in variables) throw new Error(`Variables cannot contain key "representations"`);
      const answer = await run.batches.fetch(`${batchKeyOf(fetch)}\n${JSON.stringify(variables)}`, variables, representations, (batched) => send(run, service, fetch, cursor, batched));
      const data = reported(run, fetch, cursor, answer);
      if (!data) return;
      const received = data._entities;
      if (!Array.isArray(received)) throw new Error(`Expected "data._entities" in response to be an array`);
      if (received.length !== representations.length) throw new Error(`Expected "data._entities" to contain ${representations.length} elements`);
      for (let index = 0; index < received.length; index++) {
        const entity = received[index] as Record<string, unknown> | null;
        if (entity && !entity.__typename) entity.__typename = representedEntities[index]!.__typename;
        applyRewrites(run.supergraphSchema, outputRewrites, entity);
        mergeInto(representedEntities[index]!, entity);
      }
    } catch (error) {
      failed(span, [error], run.telemetry);
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * What entity fetches that may share a request have in common: subgraph and
 * operation, but for the operation's name, which the planner numbers per
 * fetch (`Op__inventory__2`, `Op__inventory__5`) and the subgraph ignores.
 */
const batchKeys = new WeakMap<FetchNode, string>();

function batchKeyOf(fetch: FetchNode): string {
  let key = batchKeys.get(fetch);
  if (key === undefined) {
    key = `${fetch.serviceName}\n${fetch.operationName ? fetch.operation.replace(fetch.operationName, '') : fetch.operation}`;
    batchKeys.set(fetch, key);
  }
  return key;
}

/** The operation's variables this fetch uses, those given a value. */
function variablesOf(fetch: FetchNode, given: Record<string, unknown> | undefined): Record<string, unknown> {
  const variables = Object.create(null) as Record<string, unknown>;
  if (!fetch.variableUsages || !given) return variables;
  for (const name of fetch.variableUsages) {
    if (Object.prototype.hasOwnProperty.call(given, name) && given[name] !== undefined) variables[name] = given[name];
  }
  return variables;
}

function send(run: Run, service: GraphQLDataSource, fetch: FetchNode, cursor: Cursor, variables: Record<string, unknown>): Promise<SubgraphAnswer> {
  const { requestContext } = run;
  return service.process({
    kind: 'incoming operation' as never,
    request: { query: fetch.operation, variables, operationName: fetch.operationName, http: undefined },
    incomingRequestContext: requestContext,
    context: requestContext.context,
    document: fetch.operationDocumentNode,
    pathInIncomingRequest: cursor.path,
  }) as Promise<SubgraphAnswer>;
}

/** The data of a fetch's answer; its errors go to the operation's, at their paths in the response. */
function reported(run: Run, fetch: FetchNode, cursor: Cursor, response: SubgraphAnswer): Record<string, unknown> | null | undefined {
  // Read as the gateway reads it, under its names: an answer that is none (null), or errors
  // that are not a list, fail with the gateway's own TypeError messages.
  if (response.errors) {
    const { errors, extensions } = response;
    const hydrated = {};
    run.errors.push(...response.errors.map((error) => downstreamError(error, fetch, cursor, hydrated)));
    // Apollo Server's usage reporting reads where subgraph errors were when the subgraph sent no trace.
    if (!extensions?.ftv1) {
      const paths = errors.map((error) => ({ subgraph: fetch.serviceName, path: error.path }));
      const metrics = run.requestContext.metrics as { nonFtv1ErrorPaths?: typeof paths };
      if (metrics.nonFtv1ErrorPaths) metrics.nonFtv1ErrorPaths.push(...paths);
      else metrics.nonFtv1ErrorPaths = paths;
    }
  }
  return response.data;
}

/** The response from the merged data (shapeResponse); its errors go in `extensions.valueCompletion` when the fetches had none, as the gateway does. */
function shape(run: Run, operationContext: OperationContext, input: Record<string, unknown>, span: Span): GatewayExecutionResult {
  try {
    const variables = run.requestContext.request.variables;
    const { data, errors } = shapeResponse({
      operation: run.operation,
      variables,
      input,
      introspectionHandling: (field) =>
        introspect(operationContext.schema, field.expandFragments().toSelectionNode(), operationContext.operation.variableDefinitions, variables),
    });
    if (run.errors.length === 0 && errors.length > 0) {
      failed(span, errors, run.telemetry);
      return { extensions: { valueCompletion: errors }, data };
    }
    return run.errors.length === 0 ? { data } : { errors: run.errors, data };
  } catch (error) {
    failed(span, [error], run.telemetry);
    if (error instanceof GraphQLError) return { errors: [error] };
    if (error instanceof Error) return { errors: [new GraphQLError(error.message, { originalError: error })] };
    (run.requestContext.logger ?? console).error('Unexpected error during query plan execution: ' + error);
    return { errors: [new GraphQLError('Unexpected error during query plan execution')] };
  } finally {
    span.end();
  }
}

function failed(span: Span, errors: readonly unknown[], telemetry: TelemetryConfig | undefined) {
  recordExceptions(span, errors, telemetry);
  span.setStatus({ code: SpanStatusCode.ERROR });
}
