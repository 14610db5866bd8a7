import { Supergraph } from '@apollo/federation-internals';
import type { GraphQLSchema } from 'graphql';
import { withEnforcedSecurityLinks } from '../supergraph/enforcedSecurityLinks.ts';

/**
 * The schema clients see: the supergraph without the `join__`/`link__`
 * machinery and `@inaccessible` elements. Diffing supergraph SDL instead
 * would report every routing change (`@join__field`) as a schema change.
 * `@apollo/federation-internals` is what `@apollo/composition` and the
 * gateway use for the same purpose, so the router and this check agree
 * (the security specs the router enforces are accepted as the router does).
 */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(withEnforcedSecurityLinks(supergraphSdl)).apiSchema().toGraphQLJSSchema();
}
