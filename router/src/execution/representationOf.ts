import type { QueryPlanSelectionNode } from '@apollo/query-planner';
import type { GraphQLSchema } from 'graphql';
import { isObjectOfType } from './gatewayInternals.ts';
import { mergeInto } from './mergeInto.ts';

/**
 * What an entity fetch sends a subgraph for one entity: the fields its
 * `requires` selects (keys, and fields for `@requires`), read from what
 * earlier fetches put in the response. Null when a selected field is
 * missing, as the gateway's `executeSelectionSet` does; but plain objects
 * instead of its dictionaries without prototype, the router's largest
 * allocation (they are only serialised; the names come from the schema,
 * so none is `__proto__`).
 */
export function representationOf(schema: GraphQLSchema, source: unknown, selections: readonly QueryPlanSelectionNode[]): Record<string, unknown> | null {
  if (source === null) return null;
  const entity = source as Record<string, unknown>;
  const representation: Record<string, unknown> = {};
  for (const selection of selections) {
    if (selection.kind === 'Field') {
      const name = selection.alias || selection.name;
      const value = Object.prototype.hasOwnProperty.call(entity, name) ? entity[name] : undefined;
      if (value === undefined) return null;
      const inner = selection.selections;
      if (Array.isArray(value)) representation[name] = inner ? value.map((element) => representationOf(schema, element, inner)) : value.slice();
      else representation[name] = inner ? representationOf(schema, value, inner) : value;
    } else if (selection.typeCondition && source && isObjectOfType(schema, entity, selection.typeCondition)) {
      mergeInto(representation, representationOf(schema, source, selection.selections));
    }
  }
  return representation;
}
