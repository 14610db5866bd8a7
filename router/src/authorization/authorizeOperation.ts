import {
  getNamedType,
  getOperationAST,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLError,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { appError } from '@supergraph/common';
import { denial, type AccessRules, type Caller, type Denial } from './accessRules.ts';

/** Errors reported per operation; the rest of what was removed is summed up in the last one. */
const MAX_ERRORS = 50;

type Path = readonly string[];

export interface Authorized {
  /** What the caller may run; null when nothing is left (every root field was refused). */
  document: DocumentNode | null;
  /** One error per refused field or fragment, with its path in the response. */
  errors: GraphQLError[];
}

const describe = (what: string, reason: Denial) =>
  reason === 'UNAUTHENTICATED' ? `Sign in to read ${what}.` : `You are not allowed to read ${what}.`;

/**
 * Removes from an operation what the caller may not read, as Apollo Router
 * does: each refused field (or fragment on a refused type) becomes an error
 * with its path and code (UNAUTHENTICATED when anonymous, FORBIDDEN when
 * signed in without the scopes), and the rest of the operation runs. A
 * selection left empty by the removals goes too. Named fragments are
 * filtered once each, so the work grows with the document, not with how
 * often its fragments are spread.
 */
export function authorizeOperation(
  schema: GraphQLSchema,
  rules: AccessRules,
  document: DocumentNode,
  operationName: string | null | undefined,
  caller: Caller,
): Authorized {
  // Which operation runs is decided as graphql-js decides it; none (several and no name) is the caller's to refuse.
  const operation = getOperationAST(document, operationName);
  const root = operation && schema.getRootType(operation.operation);
  if (!rules.any || !operation || !root) return { document, errors: [] };

  const fragments = new Map(
    document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION).map((fragment) => [fragment.name.value, fragment]),
  );
  const errors: GraphQLError[] = [];
  let refused = 0;
  const refuse = (path: Path, what: string, reason: Denial) => {
    refused++;
    if (errors.length < MAX_ERRORS) errors.push(appError(reason, describe(what, reason), { path: [...path] }));
  };

  /** Per named fragment: its filtered selection (null when nothing is left) and its refusals, relative to where it is spread. */
  const filteredFragments = new Map<string, { selectionSet: SelectionSetNode | null; refusals: [Path, string, Denial][] }>();
  const fragment = (name: string) => {
    let filtered = filteredFragments.get(name);
    if (!filtered) {
      const definition = fragments.get(name)!;
      const refusals: [Path, string, Denial][] = [];
      const type = schema.getType(definition.typeCondition.name.value) as GraphQLCompositeType;
      const reason = denial(rules.ofType(type), caller);
      if (reason) refusals.push([[], `fragments on ${type.name}`, reason]);
      const selectionSet = reason ? null : filter(definition.selectionSet, type, [], (path, what, why) => refusals.length < MAX_ERRORS && refusals.push([path, what, why]));
      filtered = { selectionSet, refusals };
      filteredFragments.set(name, filtered);
    }
    return filtered;
  };

  function filter(set: SelectionSetNode, parent: GraphQLNamedType, path: Path, onRefused: (path: Path, what: string, reason: Denial) => void): SelectionSetNode | null {
    const kept: SelectionNode[] = [];
    let changed = false;
    for (const selection of set.selections) {
      const next = filterSelection(selection, parent, path, onRefused);
      if (next !== selection) changed = true;
      if (next) kept.push(next);
    }
    if (!kept.length) return null;
    return changed ? { ...set, selections: kept } : set;
  }

  function filterSelection(selection: SelectionNode, parent: GraphQLNamedType, path: Path, onRefused: (path: Path, what: string, reason: Denial) => void): SelectionNode | null {
    if (selection.kind === Kind.FIELD) return filterField(selection, parent, path, onRefused);
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value)! : parent;
      const reason = denial(rules.ofType(type), caller);
      if (reason) {
        onRefused(path, `fragments on ${type.name}`, reason);
        return null;
      }
      const selectionSet = filter(selection.selectionSet, type, path, onRefused);
      if (!selectionSet) return null;
      return selectionSet === selection.selectionSet ? selection : { ...selection, selectionSet };
    }
    const { selectionSet, refusals } = fragment(selection.name.value);
    for (const [relative, what, reason] of refusals) onRefused([...path, ...relative], what, reason);
    return selectionSet ? selection : null;
  }

  function filterField(node: FieldNode, parent: GraphQLNamedType, path: Path, onRefused: (path: Path, what: string, reason: Denial) => void): FieldNode | null {
    // __typename and introspection carry no data of the graph's.
    if (node.name.value.startsWith('__') || !(isObjectType(parent) || isInterfaceType(parent))) return node;
    const field = parent.getFields()[node.name.value];
    if (!field) return node;
    const responsePath = [...path, node.alias?.value ?? node.name.value];
    const reason = denial(rules.ofField(parent, field), caller);
    if (reason) {
      onRefused(responsePath, `${parent.name}.${field.name}`, reason);
      return null;
    }
    if (!node.selectionSet) return node;
    const selectionSet = filter(node.selectionSet, getNamedType(field.type), responsePath, onRefused);
    if (!selectionSet) return null;
    return selectionSet === node.selectionSet ? node : { ...node, selectionSet };
  }

  const selectionSet = filter(operation.selectionSet, root, [], refuse);
  if (refused > errors.length) {
    errors.push(appError(errors[0]!.extensions.code as Denial, `${refused - errors.length} more fields were refused for the same reasons.`));
  }
  if (!refused) return { document, errors };
  if (!selectionSet) return { document: null, errors };

  // Only the operation being run and the fragments it still spreads go on.
  const used = new Set<string>();
  const collect = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        if (used.has(selection.name.value)) continue;
        used.add(selection.name.value);
        collect(fragment(selection.name.value).selectionSet!);
      } else if (selection.selectionSet) collect(selection.selectionSet);
    }
  };
  collect(selectionSet);
  const definitions = [
    { ...operation, selectionSet },
    ...[...used].map((name) => ({ ...fragments.get(name)!, selectionSet: fragment(name).selectionSet! })),
  ];
  return { document: { ...document, definitions }, errors };
}
