import { isLeafType, type GraphQLArgument, type GraphQLField, type GraphQLInputField, type GraphQLNamedType } from 'graphql';
import type { LinkedDirectives } from '../supergraph/linkedDirectives.ts';

/**
 * The cost spec's identity. Composition links it into the supergraph
 * (`@link(url: "https://specs.apollo.dev/cost/v0.1")`) as soon as a subgraph
 * applies `@cost` or `@listSize`, Apollo's versions of the directives of the
 * IBM GraphQL Cost Directives specification.
 */
export const COST_SPEC = 'https://specs.apollo.dev/cost';

/** A field's `@listSize`, with the spec's defaults applied. */
export interface ListSize {
  /** Items the field holds when no slicing argument says. */
  assumedSize: number | undefined;
  /** Arguments whose value is the number of items (composition refuses paths into input objects). */
  slicingArguments: string[];
  /** Child fields the size applies to instead of the field itself (a connection's `edges`). */
  sizedFields: string[];
  /** Whether an operation must give exactly one slicing argument (a default counts as given). */
  requireOneSlicingArgument: boolean;
}

type Weighed = GraphQLField<unknown, unknown> | GraphQLArgument | GraphQLInputField | GraphQLNamedType;

/**
 * The supergraph's `@cost` weights and `@listSize` sizes, read by spec
 * identity through `LinkedDirectives` (so a renamed import still counts) and
 * remembered per schema element. Elements must come from the supergraph's
 * own schema (`LinkedDirectives.schema`): they carry the directives.
 */
export class CostDirectives {
  private readonly weights = new Map<Weighed, number | undefined>();
  private readonly listSizes = new Map<GraphQLField<unknown, unknown>, ListSize | undefined>();

  constructor(private readonly linked: LinkedDirectives) {}

  /** The `@cost` weight declared on a field, argument, input field, object, scalar or enum; undefined when none is. */
  declared(element: Weighed): number | undefined {
    if (!this.weights.has(element)) {
      const [cost] = this.linked.applied(element, COST_SPEC, 'cost');
      this.weights.set(element, cost === undefined ? undefined : (cost.weight as number));
    }
    return this.weights.get(element);
  }

  /**
   * What one value of a type costs, the spec's defaults: 1 for objects,
   * interfaces, unions and input objects, 0 for scalars and enums, unless
   * the type declares `@cost`.
   */
  ofType(type: GraphQLNamedType): number {
    return this.declared(type) ?? (isLeafType(type) ? 0 : 1);
  }

  listSize(field: GraphQLField<unknown, unknown>): ListSize | undefined {
    if (!this.listSizes.has(field)) {
      const [args] = this.linked.applied(field, COST_SPEC, 'listSize');
      this.listSizes.set(
        field,
        args && {
          assumedSize: (args.assumedSize as number | null | undefined) ?? undefined,
          slicingArguments: (args.slicingArguments as string[] | null | undefined) ?? [],
          sizedFields: (args.sizedFields as string[] | null | undefined) ?? [],
          requireOneSlicingArgument: (args.requireOneSlicingArgument as boolean | null | undefined) ?? true,
        },
      );
    }
    return this.listSizes.get(field);
  }
}

const perSupergraph = new WeakMap<LinkedDirectives, CostDirectives>();

/** One `CostDirectives` per loaded supergraph: a reload brings new ones. */
export function costDirectivesOf(linked: LinkedDirectives): CostDirectives {
  let directives = perSupergraph.get(linked);
  if (!directives) perSupergraph.set(linked, (directives = new CostDirectives(linked)));
  return directives;
}
