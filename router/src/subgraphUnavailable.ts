import type { GatewayGraphQLRequest } from '@apollo/server-gateway-interface';
import { Kind, parse, type SelectionSetNode } from 'graphql';
import type { ErrorCode } from '@supergraph/common';

const SERVICE_UNAVAILABLE: ErrorCode = 'SERVICE_UNAVAILABLE';
const MESSAGE = 'A service this field needs did not answer; retry the request.';

/**
 * Whether a subgraph fetch failed in transport (refused, reset, timed out)
 * rather than with an answer: undici's errors carry `UND_ERR_*` codes, the
 * socket's its system code.
 */
export function isTransportFailure(error: unknown): boolean {
  const code = (error as { code?: unknown; cause?: { code?: unknown } } | null)?.code ?? (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof code === 'string' && (code.startsWith('UND_ERR') || /^E[A-Z]+$/.test(code));
}

/**
 * The answer the gateway is given for a fetch that never got one: an error
 * at each field the fetch was to fill, in the subgraph's own terms
 * (`_entities` index, field), which the gateway turns into the client's
 * paths. Without it the gateway reports one error with no path at all, and
 * the client cannot tell which part of its answer is missing.
 */
export function unavailableAnswer(request: GatewayGraphQLRequest): { errors: { message: string; path?: (string | number)[]; extensions: { code: ErrorCode } }[] } {
  const error = (path?: (string | number)[]) => ({ message: MESSAGE, ...(path ? { path } : {}), extensions: { code: SERVICE_UNAVAILABLE } });
  const operation = request.query ? parse(request.query).definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION) : undefined;
  if (!operation) return { errors: [error()] };
  const roots = fieldNames(operation.selectionSet);
  const entities = operation.selectionSet.selections.find((selection) => selection.kind === Kind.FIELD && selection.name.value === '_entities');
  if (entities?.kind !== Kind.FIELD || !entities.selectionSet) return { errors: roots.map((name) => error([name])) };
  const fields = fieldNames(entities.selectionSet);
  const representations = Array.isArray(request.variables?.representations) ? request.variables.representations.length : 0;
  return { errors: Array.from({ length: representations }, (_, index) => fields.map((name) => error(['_entities', index, name]))).flat() };
}

/** Response names of the fields a selection set (and its inline fragments) selects, `__typename` aside. */
function fieldNames(selectionSet: SelectionSetNode): string[] {
  const names = new Set<string>();
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.INLINE_FRAGMENT) fieldNames(selection.selectionSet).forEach((name) => names.add(name));
    else if (selection.kind === Kind.FIELD && selection.name.value !== '__typename') names.add(selection.alias?.value ?? selection.name.value);
  }
  return [...names];
}
