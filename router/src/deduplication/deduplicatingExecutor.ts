import type { GatewayExecutionResult, GatewayExecutor } from '@apollo/server-gateway-interface';
import type { RouterContext } from '../routerContext.ts';
import { SharedWork } from './sharedWork.ts';

/**
 * Runs identical queries in flight at the same moment once, as Apollo Router
 * and Hive Gateway do: the same document (the plan cache's hash, so one
 * already narrowed by authorization), the same operation, the same
 * variables and the same `Authorization` header, which is all subgraphs see
 * of the caller. Two callers with different tokens never share a result,
 * even for the same user, and mutations are never merged. Every waiter gets
 * the shared outcome, errors included, in a result object of its own.
 */
export function deduplicatingExecutor(executor: GatewayExecutor, onRun?: (joined: boolean) => void): GatewayExecutor {
  const shared = new SharedWork<GatewayExecutionResult>(onRun);
  return async (requestContext) => {
    if (requestContext.operation.operation !== 'query') return executor(requestContext);
    const { authorization } = requestContext.context as RouterContext;
    const variables = variablesKey(requestContext.request.variables);
    if (variables === null) return executor(requestContext);
    const key = [requestContext.queryHash, requestContext.operationName ?? '', variables, authorization ?? ''].join('\n');
    return { ...(await shared.run(key, () => executor(requestContext))) };
  };
}

/**
 * The variables as part of a key, or null when they nest too deep for
 * JSON.stringify: such a request runs on its own, and execution refuses the
 * variable (or ignores it when the operation does not declare it).
 */
function variablesKey(variables: Record<string, unknown> | undefined): string | null {
  try {
    return JSON.stringify(variables ?? {});
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
}
