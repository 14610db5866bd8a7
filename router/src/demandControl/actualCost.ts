import {
  getNamedType,
  isInterfaceType,
  isLeafType,
  isObjectType,
  isAbstractType,
  type FieldNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import type { LinkedDirectives } from '../supergraph/linkedDirectives.ts';
import { argumentsCost } from './argumentsCost.ts';
import { collectFields, conditionFor } from './collectFields.ts';
import { costDirectivesOf, type CostDirectives } from './costDirectives.ts';
import { costedOperation, type CostedOperation, type OperationToCost } from './costedOperation.ts';

type ResponseObject = Record<string, unknown>;

/**
 * The cost of what an operation really returned, with the weights of the
 * estimate (estimateCost): the base cost, and for every field in `data` its
 * arguments and, per value it holds, its weight and selections. Lists count
 * the items they hold, so the difference from the estimate is what list
 * sizes assumed beyond what came back. Null values cost nothing but their
 * field's arguments. An object of an interface or union type is weighed as
 * its `__typename` says when the operation asked for it, else as the
 * abstract type, with every fragment that could apply (only fields present
 * in the response count).
 */
export function actualCost(supergraph: LinkedDirectives, request: OperationToCost, data: ResponseObject | null | undefined): number {
  const operation = costedOperation(supergraph.schema, request);
  const counter = new Counter(supergraph.schema, costDirectivesOf(supergraph), operation);
  return operation.baseCost + (data ? counter.objectCost(operation.root, [operation.operation.selectionSet], data) : 0);
}

class Counter {
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly directives: CostDirectives,
    private readonly operation: CostedOperation,
  ) {}

  /** What the fields of one response object cost (its own weight is its field's business). */
  objectCost(declared: GraphQLNamedType, selectionSets: readonly SelectionSetNode[], value: ResponseObject): number {
    const runtime = this.runtimeOf(declared, value);
    const applies = runtime ? conditionFor(this.schema, runtime) : () => true;
    const { fragments, variables } = this.operation;
    let cost = 0;
    for (const [key, nodes] of collectFields(selectionSets, applies, fragments, variables)) {
      if (!Object.hasOwn(value, key)) continue;
      const field = this.fieldOf(runtime ?? declared, nodes[0]!.name.value);
      if (field) cost += argumentsCost(this.directives, field, nodes[0]!, variables) + this.valueCost(field, nodes, value[key]);
    }
    return cost;
  }

  private valueCost(field: GraphQLField<unknown, unknown>, nodes: FieldNode[], value: unknown): number {
    if (value === null || value === undefined) return 0;
    if (Array.isArray(value)) return value.reduce<number>((sum, item) => sum + this.valueCost(field, nodes, item), 0);
    const type = getNamedType(field.type);
    const weight = this.directives.declared(field);
    if (isLeafType(type) || typeof value !== 'object') return weight ?? this.directives.ofType(type);
    const object = value as ResponseObject;
    const selectionSets = nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
    return (weight ?? this.directives.ofType(this.runtimeOf(type, object) ?? type)) + this.objectCost(type, selectionSets, object);
  }

  private runtimeOf(declared: GraphQLNamedType, value: ResponseObject): GraphQLObjectType | undefined {
    if (isObjectType(declared)) return declared;
    const named = typeof value.__typename === 'string' ? this.schema.getType(value.__typename) : undefined;
    return named && isObjectType(named) ? named : undefined;
  }

  /** The field's definition on the type, or, for a field a fragment asked of a possible type, on the first that has it. */
  private fieldOf(type: GraphQLNamedType, name: string): GraphQLField<unknown, unknown> | undefined {
    const own = isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
    if (own || !isAbstractType(type)) return own;
    return this.schema
      .getPossibleTypes(type)
      .map((possible) => possible.getFields()[name])
      .find((field) => field !== undefined);
  }
}
