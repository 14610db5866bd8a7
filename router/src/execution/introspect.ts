import { executeSync, Kind, OperationTypeNode, visit, type DocumentNode, type FieldNode, type GraphQLSchema, type VariableDefinitionNode } from 'graphql';

/**
 * Answers one introspection field (`__schema`, `__type`) of an operation
 * from the API schema, as the gateway does: a query of that field alone,
 * with the variables it uses.
 */
export function introspect(
  schema: GraphQLSchema,
  field: FieldNode,
  variableDefinitions: readonly VariableDefinitionNode[] | undefined,
  variableValues: Record<string, unknown> | undefined,
): unknown {
  const used = new Set<string>();
  visit(field, { Variable: ({ name }) => void used.add(name.value) });
  const definitions = variableDefinitions?.filter((definition) => used.has(definition.variable.name.value));
  if (used.size !== (definitions?.length ?? 0)) throw new Error(`Should have found all used variables ${[...used]} in definitions ${JSON.stringify(variableDefinitions)}`);
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      { kind: Kind.OPERATION_DEFINITION, operation: OperationTypeNode.QUERY, variableDefinitions: definitions, selectionSet: { kind: Kind.SELECTION_SET, selections: [field] } },
    ],
  };
  const { data, errors } = executeSync({ schema, document, rootValue: {}, variableValues });
  if (errors?.length) throw new Error(`Introspection query for ${JSON.stringify(field)} should not have failed but got ${JSON.stringify(errors)}`);
  if (!data) throw new Error(`Introspection query for ${JSON.stringify(field)} should not have failed`);
  const name = field.alias?.value ?? field.name.value;
  return Object.prototype.hasOwnProperty.call(data, name) ? data[name] : undefined;
}
