import { ERRORS, errorCodeDef } from '@apollo/federation-internals';
import type { FetchNode, ResponsePath } from '@apollo/query-planner';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { generateHydratedPaths } from './gatewayInternals.ts';

export interface Cursor {
  /** Where the fetch's entities are in the response, `@` for every element of a list. */
  path: ResponsePath;
  data: unknown;
  fullResult: Record<string, unknown>;
}

/**
 * A subgraph's error as the client sees it, as the gateway words it: the
 * subgraph's message and extensions, its `serviceName`, and a path in the
 * client's response. An `_entities` error names an entity by its index in
 * the representations sent; it is mapped back to where that entity is.
 */
export function downstreamError(originalError: GraphQLFormattedError, fetch: FetchNode, cursor: Cursor, hydrated: { paths?: ResponsePath[] }): GraphQLError {
  // Destructured first under the gateway's name: an error that is not an object (null) fails as the gateway's does.
  const { message: given, extensions } = originalError;
  const message = given || `Error while fetching subquery from service "${fetch.serviceName}"`;
  const options = {
    originalError: originalError as Error,
    path: responsePathOf(originalError.path, fetch, cursor, hydrated),
    extensions: { ...extensions, serviceName: fetch.serviceName },
  };
  const codeDef = errorCodeDef(originalError as GraphQLError);
  if (!codeDef && extensions?.code) return new GraphQLError(message, options);
  return (codeDef ?? ERRORS.DOWNSTREAM_SERVICE_ERROR).err(message, options);
}

function responsePathOf(path: readonly (string | number)[] | undefined, fetch: FetchNode, cursor: Cursor, hydrated: { paths?: ResponsePath[] }) {
  if (fetch.requires && typeof path?.[1] === 'number') {
    if (!hydrated.paths) generateHydratedPaths([], cursor.path as (string | number)[], cursor.fullResult, (hydrated.paths = []));
    return [...(hydrated.paths[path[1]] ?? []), ...path.slice(2)];
  }
  return path ? [...cursor.path, ...path] : undefined;
}
