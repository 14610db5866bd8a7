import type { ApolloGateway } from '@apollo/gateway';
import { HeaderMap } from '@apollo/server';
import type { GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface } from '@apollo/server-gateway-interface';
import { createHash } from 'node:crypto';
import { getOperationAST, GraphQLError, Kind, print, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { AccessRules, type Caller } from './authorization/accessRules.ts';
import { authorizeOperation, type Authorized } from './authorization/authorizeOperation.ts';
import type { RouterContext } from './routerContext.ts';
import { LinkedDirectives } from './supergraph/linkedDirectives.ts';

/** One operation as the router's guards see it, after authorization. */
export interface GuardedOperation {
  /** What the caller may run (unauthorized fields removed). */
  document: DocumentNode;
  operationName: string | null;
  variables: Record<string, unknown>;
  context: RouterContext;
  /** The supergraph the operation runs against, with its directives. */
  supergraph: LinkedDirectives;
  /** Its `@authenticated` and `@requiresScopes` rules. */
  rules: AccessRules;
  apiSchema: GraphQLSchema;
}

/**
 * A check the router makes on every operation before the gateway plans it
 * (cost, rate limits), over HTTP and WebSockets alike. Errors refuse the
 * operation; an error's `extensions.http` (status, headers) becomes the
 * HTTP response's and is not shown to the client.
 */
export interface OperationGuard {
  check?(operation: GuardedOperation): Promise<readonly GraphQLError[] | undefined> | readonly GraphQLError[] | undefined;
  /**
   * Whether the guard counts callers (rate limits): a request that takes an
   * identical one's answer passes it on its own. Other guards decide by the
   * operation alone, which the identical request already passed.
   */
  countsCallers?: boolean;
  /** What to add to the result's `extensions` once the operation has run. */
  report?(operation: GuardedOperation, result: ExecutionResult): Record<string, unknown> | undefined;
}

export interface Admission {
  /** Null when the operation is refused or nothing is left of it. */
  operation: GuardedOperation | null;
  /** The gateway's plan-cache key for `operation.document` when it differs from the document asked for. */
  queryHash?: string;
  /** Authorization errors (the rest still runs) and any guard's refusal. */
  errors: GraphQLError[];
  /** Set by a guard's refusal (429 for a rate limit). */
  http?: { status?: number; headers?: Record<string, string> };
}

export const callerOf = (context: Pick<RouterContext, 'viewer' | 'scopes'>): Caller => ({ authenticated: context.viewer !== null, scopes: context.scopes ?? new Set() });

export const callerKey = (caller: Caller) => (caller.authenticated ? `user ${[...caller.scopes].sort().join(' ')}` : 'anonymous');

/**
 * Wraps `@apollo/gateway`: before the gateway plans an operation, the router
 * removes what the caller may not read (the supergraph's `@authenticated`
 * and `@requiresScopes`) and runs its guards. The gateway never sees a field
 * the caller may not read, so its query plans (cached per document) stay
 * valid per caller. Every rule comes from the supergraph's directives, read
 * again on each (re)load.
 */
export class GuardedGateway implements GatewayInterface {
  private current: { linked: LinkedDirectives; rules: AccessRules; apiSchema: GraphQLSchema } | undefined;
  /** Per parsed document (Apollo caches them per query string) and caller kind. */
  private authorized = new WeakMap<DocumentNode, Map<string, Authorized & { hash: string | null }>>();

  constructor(
    private readonly gateway: ApolloGateway,
    private readonly guards: OperationGuard[],
    /** Wraps the gateway's executor: runs after the guards admitted an operation (deduplication). */
    private readonly around: (executor: GatewayExecutor) => GatewayExecutor = (executor) => executor,
  ) {
    gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => {
      const linked = new LinkedDirectives(coreSupergraphSdl);
      this.current = { linked, rules: new AccessRules(linked), apiSchema };
      this.authorized = new WeakMap();
    });
  }

  onSchemaLoadOrUpdate(...args: Parameters<GatewayInterface['onSchemaLoadOrUpdate']>) {
    return this.gateway.onSchemaLoadOrUpdate(...args);
  }

  stop() {
    return this.gateway.stop();
  }

  async load(options: Parameters<GatewayInterface['load']>[0]) {
    const { executor } = await this.gateway.load(options);
    return { executor: this.guard(this.around(executor as unknown as GatewayExecutor)) };
  }

  /**
   * Authorizes and checks one operation. Used for HTTP (through the
   * executor) and for graphql-ws subscriptions, which start outside it.
   */
  async admit(document: DocumentNode, operationName: string | null, variables: Record<string, unknown>, context: RouterContext): Promise<Admission> {
    // Apollo runs the executor even when it could not pick the operation to
    // run (several and no name, an unknown name); graphql-js would then
    // answer with an error. So does the router, before anything is planned.
    if (!getOperationAST(document, operationName)) return { operation: null, errors: [unresolvedOperation(document, operationName)] };
    const authorized = this.authorize(document, operationName, context);
    if (!authorized.document) return { operation: null, errors: authorized.errors };
    const { linked, rules, apiSchema } = this.current!;
    const operation: GuardedOperation = { document: authorized.document, operationName, variables, context, supergraph: linked, rules, apiSchema };
    for (const guard of this.guards) {
      const refusal = await guard.check?.(operation);
      if (refusal?.length) return { operation: null, errors: [...authorized.errors, ...refusal], http: refusal.find((error) => error.extensions.http)?.extensions.http as Admission['http'] };
    }
    return { operation, errors: authorized.errors, ...(authorized.hash ? { queryHash: authorized.hash } : {}) };
  }

  /**
   * Whether `context`'s caller may take the answer of `operation`, admitted
   * for an identical request: it passes the guards that count callers.
   */
  async admitsJoining(operation: GuardedOperation, context: RouterContext): Promise<boolean> {
    const joining = { ...operation, context };
    for (const guard of this.guards) {
      if (guard.countsCallers && (await guard.check?.(joining))?.length) return false;
    }
    return true;
  }

  /**
   * Whether a subscription's document still stands under the current rules:
   * the errors that refuse it, empty when it does. A supergraph reload that
   * tightens a rule ends the subscriptions it no longer admits.
   */
  stillAdmitted(document: DocumentNode, operationName: string | null, context: RouterContext): readonly GraphQLError[] {
    const authorized = this.authorize(document, operationName, context);
    return authorized.document ? [] : authorized.errors;
  }

  /** The supergraph loaded now and its access rules, for what outlives one load (live subscriptions). */
  loaded(): { supergraph: LinkedDirectives; rules: AccessRules } {
    const { linked, rules } = this.current!;
    return { supergraph: linked, rules };
  }

  /** Extensions the guards report for a result. */
  report(operation: GuardedOperation, result: ExecutionResult): Record<string, unknown> {
    return Object.assign({}, ...this.guards.map((guard) => guard.report?.(operation, result) ?? {}));
  }

  private authorize(document: DocumentNode, operationName: string | null, context: RouterContext): Authorized & { hash: string | null } {
    const { rules, apiSchema } = this.current!;
    const caller = callerOf(context);
    const key = `${operationName ?? ''}\n${callerKey(caller)}`;
    let perDocument = this.authorized.get(document);
    if (!perDocument) this.authorized.set(document, (perDocument = new Map()));
    let authorized = perDocument.get(key);
    if (!authorized) {
      const result = authorizeOperation(apiSchema, rules, document, operationName, caller);
      // The gateway caches query plans by this hash: a filtered document needs one of its own.
      const hash = result.document && result.document !== document ? createHash('sha256').update(print(result.document)).digest('hex') : null;
      authorized = { ...result, hash };
      perDocument.set(key, authorized);
    }
    return authorized;
  }

  private guard(executor: GatewayExecutor): GatewayExecutor {
    return async (requestContext) => {
      const context = requestContext.context as RouterContext;
      // The operation Apollo resolved, by the name the client sent: Apollo's
      // own `operationName` is the resolved operation's, null when none was.
      const operationName = requestContext.request.operationName ?? null;
      const admission = await this.admit(requestContext.document, operationName, requestContext.request.variables ?? {}, context);
      if (admission.operation && requestContext.operation.operation === 'query') context.frontDoor?.admit(admission.operation);
      else context.frontDoor?.refuse();
      if (!admission.operation) return { errors: admission.errors.map(withApolloHttp) };
      const filtered = admission.queryHash
        ? ({ ...requestContext, document: admission.operation.document, queryHash: admission.queryHash } as GatewayGraphQLRequestContext)
        : requestContext;
      const result = await executor(filtered);
      const reported = this.report(admission.operation, result);
      return {
        ...result,
        ...(admission.errors.length ? { errors: [...admission.errors, ...(result.errors ?? [])] } : {}),
        ...(Object.keys(reported).length ? { extensions: { ...result.extensions, ...reported } } : {}),
      };
    };
  }
}

/** graphql-js's own words for a document whose operation cannot be picked. */
function unresolvedOperation(document: DocumentNode, operationName: string | null): GraphQLError {
  const count = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION).length;
  const message = operationName
    ? `Unknown operation named "${operationName}".`
    : count > 1
      ? 'Must provide operation name if query contains multiple operations.'
      : 'Must provide an operation.';
  return new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } });
}

/**
 * `extensions.http` in the form Apollo Server reads from a result's errors
 * (headers in a HeaderMap): it sets the response's status and headers from
 * it and strips it. Setting the status on the response instead would not
 * do: Apollo answers a result without data with 400 over it.
 */
function withApolloHttp(error: GraphQLError): GraphQLError {
  const http = error.extensions.http as Admission['http'];
  if (!http) return error;
  const headers = new HeaderMap(Object.entries(http.headers ?? {}));
  return new GraphQLError(error.message, { nodes: error.nodes, path: error.path, originalError: error.originalError, extensions: { ...error.extensions, http: { status: http.status, headers } } });
}

/** `extensions.http` instructs the router; it is not for the client. */
export function withoutHttp(error: GraphQLError): GraphQLError {
  if (!error.extensions.http) return error;
  const { http: _http, ...extensions } = error.extensions;
  return new GraphQLError(error.message, { nodes: error.nodes, path: error.path, originalError: error.originalError, extensions });
}
