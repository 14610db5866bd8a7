import { diff, type Change } from '@graphql-inspector/core';
import { apiSchemaOf } from './apiSchemaOf.ts';

/** What changes for clients between two supergraphs, classified by `@graphql-inspector/core`. */
export async function diffApiSchemas(oldSupergraphSdl: string, newSupergraphSdl: string): Promise<Change[]> {
  return diff(apiSchemaOf(oldSupergraphSdl), apiSchemaOf(newSupergraphSdl));
}
