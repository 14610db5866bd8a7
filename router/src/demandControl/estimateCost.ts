import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isLeafType,
  isListType,
  isObjectType,
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
import { expectedListSize } from './listSize.ts';

export interface CostOptions {
  /** Items assumed in a list field that no `@listSize` sizes. */
  defaultListSize: number;
}

/** A size handed down by a parent's `@listSize(sizedFields:)` to the child fields it names. */
interface SizedFields {
  names: ReadonlySet<string>;
  size: number;
}

/**
 * The static cost estimate of the IBM GraphQL Cost Directives
 * specification, as Apollo Router computes it, from the supergraph's
 * `@cost` and `@listSize` alone:
 *
 * - an operation starts at its base cost (a mutation 10, see BASE_COST);
 * - each field costs its arguments (see argumentsCost) plus, for each value
 *   it is expected to return, its weight (its `@cost`, else its type's: an
 *   object 1, a scalar or enum 0) and what its selections cost;
 * - a list field is expected to return as many values as its `@listSize`
 *   says (a slicing argument, else `assumedSize`), else the default list
 *   size; with `sizedFields` the size goes to the named child fields (a
 *   connection's `edges`) instead of the field itself; nested lists
 *   (`[[T]]`) count one size, as Apollo Router does;
 * - a field of an interface or union type costs what its dearest possible
 *   type would, each with the fragments that apply to it;
 * - fields are collected as execution collects them (collectFields), so a
 *   field asked twice counts once and `@skip`/`@include` are respected;
 * - `__typename` and introspection cost nothing: the router answers them.
 *
 * Written here rather than taken from a library, because none fits:
 * graphql-query-complexity and graphql-cost-analysis read directives of
 * their own (`@complexity`, `@cost(complexity, multipliers)`), not the
 * spec's `@cost`/`@listSize`; armor's cost limit weighs depth; Hive
 * Gateway's demand control is a plugin of its own runtime. The router reads
 * every rule from the supergraph, by spec identity, so renamed imports count.
 */
export function estimateCost(supergraph: LinkedDirectives, request: OperationToCost, options: CostOptions): number {
  const operation = costedOperation(supergraph.schema, request);
  const estimator = new Estimator(supergraph.schema, costDirectivesOf(supergraph), operation, options.defaultListSize);
  return operation.baseCost + estimator.selectionCost(operation.root, [operation.operation.selectionSet], undefined);
}

class Estimator {
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly directives: CostDirectives,
    private readonly operation: CostedOperation,
    private readonly defaultListSize: number,
  ) {}

  selectionCost(parent: GraphQLObjectType, selectionSets: readonly SelectionSetNode[], sized: SizedFields | undefined): number {
    const { fragments, variables } = this.operation;
    let cost = 0;
    for (const nodes of collectFields(selectionSets, conditionFor(this.schema, parent), fragments, variables).values()) {
      cost += this.fieldCost(parent, nodes, sized);
    }
    return cost;
  }

  private fieldCost(parent: GraphQLObjectType, nodes: FieldNode[], sized: SizedFields | undefined): number {
    const node = nodes[0]!;
    const field = parent.getFields()[node.name.value];
    if (!field) return 0;
    const listSize = this.directives.listSize(field);
    const expected = listSize && expectedListSize(listSize, field, node, this.operation.variables);
    const sizesChildren = listSize !== undefined && listSize.sizedFields.length > 0;
    let count = 1;
    if (isListType(getNullableType(field.type))) {
      if (sized?.names.has(field.name)) count = sized.size;
      else count = !sizesChildren && expected !== undefined ? expected : this.defaultListSize;
    }
    const children = sizesChildren ? { names: new Set(listSize.sizedFields), size: expected ?? this.defaultListSize } : undefined;
    return argumentsCost(this.directives, field, node, this.operation.variables) + count * this.valueCost(field, nodes, children);
  }

  /** What one value of the field costs: its weight and its selections, for the dearest type it may have. */
  private valueCost(field: GraphQLField<unknown, unknown>, nodes: FieldNode[], sized: SizedFields | undefined): number {
    const type = getNamedType(field.type);
    const weight = this.directives.declared(field);
    if (isLeafType(type)) return weight ?? this.directives.ofType(type);
    const selectionSets = nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
    let dearest = weight ?? this.directives.ofType(type);
    for (const runtime of this.possibleTypes(type)) {
      dearest = Math.max(dearest, (weight ?? this.directives.ofType(runtime)) + this.selectionCost(runtime, selectionSets, sized));
    }
    return dearest;
  }

  private possibleTypes(type: GraphQLNamedType): readonly GraphQLObjectType[] {
    if (isObjectType(type)) return [type];
    return isAbstractType(type) ? this.schema.getPossibleTypes(type) : [];
  }
}
