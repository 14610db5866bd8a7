import {
  Kind,
  OperationTypeNode,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';

/** The variable that carries the event's entity id into the lookup query. */
export const ENTITY_ID_VARIABLE = '__entityId';

const name = (value: string) => ({ kind: Kind.NAME, value }) as const;

/**
 * Turns `subscription S($a: ID) { itemAdded(ownerId: $a) { name owner { name } } }`
 * into `query S($__entityId: ID!) { itemAdded: item(id: $__entityId) { name owner { name } } }`:
 * the subscriber's selection, asked of the supergraph for one entity. The
 * alias keeps the response shape the subscriber expects; variables only the
 * subscription arguments used are dropped (an unused variable is invalid).
 */
export function toEntityQuery(operation: OperationDefinitionNode, rootField: FieldNode, lookupField: string, fragments: FragmentDefinitionNode[]): DocumentNode {
  const lookup: FieldNode = {
    ...rootField,
    alias: rootField.alias ?? name(rootField.name.value),
    name: name(lookupField),
    arguments: [
      { kind: Kind.ARGUMENT, name: name('id'), value: { kind: Kind.VARIABLE, name: name(ENTITY_ID_VARIABLE) } },
    ],
  };
  const used = new Set<string>();
  for (const node of [lookup, ...fragments]) {
    visit(node, { Variable: (variable) => void used.add(variable.name.value) });
  }
  const query: OperationDefinitionNode = {
    ...operation,
    operation: OperationTypeNode.QUERY,
    variableDefinitions: [
      ...(operation.variableDefinitions ?? []).filter((definition) => used.has(definition.variable.name.value)),
      {
        kind: Kind.VARIABLE_DEFINITION,
        variable: { kind: Kind.VARIABLE, name: name(ENTITY_ID_VARIABLE) },
        type: { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.NAMED_TYPE, name: name('ID') } },
      },
    ],
    selectionSet: { ...operation.selectionSet, selections: [lookup] },
  };
  return { kind: Kind.DOCUMENT, definitions: [query, ...fragments] };
}
