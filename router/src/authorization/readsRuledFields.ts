import { getNamedType, TypeInfo, visit, visitWithTypeInfo, BREAK, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { AccessRules, Requirement } from './accessRules.ts';

const ruled = (requirement: Requirement) => requirement.authenticated || requirement.scopes.length > 0;

/**
 * Whether an operation reads any field or type the supergraph guards with
 * `@authenticated` or `@requiresScopes`. Subgraph teams declare every
 * field whose value depends on who asks that way (docs/events.md), so an
 * operation that reads none answers the same for every caller, and the
 * router may resolve it once for all of them.
 */
export function readsRuledFields(schema: GraphQLSchema, rules: AccessRules, document: DocumentNode): boolean {
  if (!rules.any) return false;
  const typeInfo = new TypeInfo(schema);
  let found = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (!parent || !field) return;
        if (ruled(rules.ofField(parent, field)) || ruled(rules.ofType(getNamedType(field.type)))) {
          found = true;
          return BREAK;
        }
      },
    }),
  );
  return found;
}
