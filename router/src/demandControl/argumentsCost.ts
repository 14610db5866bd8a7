import {
  getNullableType,
  isInputObjectType,
  isListType,
  valueFromASTUntyped,
  type FieldNode,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLInputType,
} from 'graphql';
import { MAX_NESTING } from '@supergraph/common';
import type { CostDirectives } from './costDirectives.ts';

/**
 * What the arguments given to one occurrence of a field cost. A value costs
 * the `@cost` of its argument or input field when declared, else what its
 * type costs (an input object 1, a scalar or enum 0 unless the type declares
 * `@cost`); an input object adds what its fields cost, a list what each item
 * costs. Null and omitted values cost nothing. Values nested deeper than any
 * document may nest (`MAX_NESTING`) are not counted: only a variable can
 * hold them, and no input type of a real schema goes that deep.
 */
export function argumentsCost(directives: CostDirectives, field: GraphQLField<unknown, unknown>, node: FieldNode, variables: Record<string, unknown>): number {
  let cost = 0;
  for (const given of node.arguments ?? []) {
    const argument = field.args.find((candidate) => candidate.name === given.name.value);
    if (argument) cost += inputValueCost(directives, argument, valueFromASTUntyped(given.value, variables), 0);
  }
  return cost;
}

function inputValueCost(directives: CostDirectives, definition: GraphQLArgument | GraphQLInputField, value: unknown, depth: number): number {
  return valueCost(directives, definition.type, directives.declared(definition), value, depth);
}

function valueCost(directives: CostDirectives, type: GraphQLInputType, weight: number | undefined, value: unknown, depth: number): number {
  if (value === null || value === undefined || depth > MAX_NESTING) return 0;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    // Input coercion reads a single value where a list is expected as a list of one.
    const items = Array.isArray(value) ? value : [value];
    return items.reduce<number>((sum, item) => sum + valueCost(directives, nullable.ofType, weight, item, depth + 1), 0);
  }
  let cost = weight ?? directives.ofType(nullable);
  if (isInputObjectType(nullable) && typeof value === 'object') {
    const fields = nullable.getFields();
    for (const [name, fieldValue] of Object.entries(value)) {
      const inputField = fields[name];
      if (inputField) cost += inputValueCost(directives, inputField, fieldValue, depth + 1);
    }
  }
  return cost;
}
