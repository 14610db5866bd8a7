import { valueFromASTUntyped, type FieldNode, type GraphQLField } from 'graphql';
import type { ListSize } from './costDirectives.ts';

/** `@listSize(requireOneSlicingArgument: true)` and the operation gives none, or several, of the slicing arguments. */
export class SlicingArgumentError extends Error {
  constructor(
    message: string,
    readonly node: FieldNode,
  ) {
    super(message);
  }
}

/**
 * How many items one occurrence of a field is expected to hold, from its
 * `@listSize`: the largest slicing argument that has a value (given in the
 * operation, through a variable, or the argument's default), else
 * `assumedSize`; undefined when neither says. A slicing argument given as
 * null counts as omitted, as page sizes do in our resolvers. Throws a
 * `SlicingArgumentError` when the directive requires exactly one slicing
 * argument and the operation does not give exactly one.
 */
export function expectedListSize(listSize: ListSize, field: GraphQLField<unknown, unknown>, node: FieldNode, variables: Record<string, unknown>): number | undefined {
  const sizes = listSize.slicingArguments.flatMap((name) => {
    const size = slicingValue(name, field, node, variables);
    return size === undefined ? [] : [size];
  });
  if (listSize.requireOneSlicingArgument && listSize.slicingArguments.length > 0 && sizes.length !== 1) {
    throw new SlicingArgumentError(
      `${node.name.value} takes exactly one of its slicing arguments (${listSize.slicingArguments.join(', ')}); this operation gives ${sizes.length}.`,
      node,
    );
  }
  return sizes.length ? Math.max(...sizes) : listSize.assumedSize;
}

/** A slicing argument's value, when it is a count: given (literally or through a variable), else its default. */
function slicingValue(name: string, field: GraphQLField<unknown, unknown>, node: FieldNode, variables: Record<string, unknown>): number | undefined {
  const argument = field.args.find((candidate) => candidate.name === name);
  if (!argument) return undefined;
  const given = node.arguments?.find((candidate) => candidate.name.value === name);
  const value = (given && valueFromASTUntyped(given.value, variables)) ?? argument.defaultValue;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}
