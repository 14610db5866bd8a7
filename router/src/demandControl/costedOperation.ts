import {
  getOperationAST,
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type OperationTypeNode,
} from 'graphql';

/**
 * What an operation costs before its fields: a mutation writes, so it starts
 * at 10 (Apollo Router's base cost); queries and subscriptions start at 0.
 */
export const BASE_COST: Record<OperationTypeNode, number> = { query: 0, mutation: 10, subscription: 0 };

/** The operation to cost, as a request names it. */
export interface OperationToCost {
  document: DocumentNode;
  operationName?: string | null;
  /** The request's variables; ones the operation does not declare are ignored. */
  variables?: Record<string, unknown>;
}

/** One operation of a document, with what costing it needs. */
export interface CostedOperation {
  operation: OperationDefinitionNode;
  root: GraphQLObjectType;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  /** Declared variables: the request's value, else the definition's default; unknown ones are absent. */
  variables: Record<string, unknown>;
  baseCost: number;
}

export function costedOperation(schema: GraphQLSchema, { document, operationName, variables = {} }: OperationToCost): CostedOperation {
  const operation = getOperationAST(document, operationName);
  if (!operation) {
    throw new TypeError(`Expected a document with the operation ${operationName ? `"${operationName}"` : 'to run (name it: there are several)'}; got ${describeDocument(document)}.`);
  }
  const root = schema.getRootType(operation.operation);
  if (!root) throw new TypeError(`The supergraph has no ${operation.operation} type for the operation ${operation.name?.value ?? '(anonymous)'}.`);
  const fragments = new Map(
    document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION).map((fragment) => [fragment.name.value, fragment]),
  );
  return { operation, root, fragments, variables: declaredVariables(operation, variables), baseCost: BASE_COST[operation.operation] };
}

function declaredVariables(operation: OperationDefinitionNode, given: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (Object.hasOwn(given, name)) values[name] = given[name];
    else if (definition.defaultValue) values[name] = valueFromASTUntyped(definition.defaultValue);
  }
  return values;
}

function describeDocument(document: DocumentNode): string {
  const names = document.definitions.flatMap((definition) => (definition.kind === Kind.OPERATION_DEFINITION ? [definition.name?.value ?? '(anonymous)'] : []));
  return names.length ? `operations ${names.join(', ')}` : 'no operation';
}
