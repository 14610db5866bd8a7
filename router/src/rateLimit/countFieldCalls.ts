import { createHash } from 'node:crypto';
import {
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getOperationAST,
  getVariableValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type FragmentSpreadNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type InlineFragmentNode,
  type SelectionSetNode,
} from 'graphql';
import { isBroken, type BrokenRule, type FieldRateLimits, type FieldRule, type RateLimitKey } from './fieldRateLimits.ts';

/** The calls of one rate-limited field an operation makes for one value of its rule's keys. */
export interface FieldCalls {
  rule: FieldRule;
  /** Names the rule and the hashed key values: argument values (e-mail addresses) never reach Redis as such. */
  key: string;
  points: number;
}

export interface Caller {
  clientAddress: string;
  userId: string | null;
}

/** A count past any limit; it only keeps an absurd document's numbers finite. */
const MAX_POINTS = 1_000_000;

type Tally = Map<string, FieldCalls>;

/**
 * Counts the calls an operation makes of each rate-limited field: every
 * occurrence counts, so fifteen aliased calls of a field are fifteen, each
 * under the key its own arguments (literals or variables) give. A named
 * fragment is counted once and added per spread; a field under a list
 * counts once, however many items the list has. Fields skipped by
 * `@skip`/`@include` do not count. Operations whose variables do not
 * coerce count nothing here: the gateway refuses them before anything runs.
 */
export function countFieldCalls(
  limits: FieldRateLimits,
  apiSchema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null,
  variables: Record<string, unknown>,
  caller: Caller,
): { calls: FieldCalls[]; broken: BrokenRule[] } {
  const operation = limits.any ? getOperationAST(document, operationName) : null;
  const root = operation && apiSchema.getRootType(operation.operation);
  if (!operation || !root) return { calls: [], broken: [] };
  const coerced = getVariableValues(apiSchema, operation.variableDefinitions ?? [], variables);
  if (coerced.errors) return { calls: [], broken: [] };
  const values = coerced.coerced;

  const fragments = new Map(
    document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION).map((fragment) => [fragment.name.value, fragment]),
  );
  const fragmentTallies = new Map<string, Tally>();
  const broken = new Map<string, BrokenRule>();

  const included = (node: FieldNode | InlineFragmentNode | FragmentSpreadNode) =>
    getDirectiveValues(GraphQLSkipDirective, node, values)?.if !== true && getDirectiveValues(GraphQLIncludeDirective, node, values)?.if !== false;

  const countField = (node: FieldNode, parent: GraphQLNamedType, into: Tally) => {
    if (node.name.value.startsWith('__') || !(isObjectType(parent) || isInterfaceType(parent))) return;
    const field = parent.getFields()[node.name.value];
    if (!field) return;
    for (const compiled of limits.of(parent, field.name)) {
      if (isBroken(compiled)) {
        broken.set(compiled.coordinate, compiled);
        continue;
      }
      const args = argumentsOf(field, node, values);
      for (const rule of compiled) add(into, { rule, key: keyOf(rule, args, caller), points: 1 });
    }
    if (node.selectionSet) merge(into, tally(node.selectionSet, getNamedType(field.type)));
  };

  function tally(set: SelectionSetNode, parent: GraphQLNamedType): Tally {
    const counted: Tally = new Map();
    for (const selection of set.selections) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) countField(selection, parent, counted);
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? apiSchema.getType(selection.typeCondition.name.value) : parent;
        if (type) merge(counted, tally(selection.selectionSet, type));
      } else merge(counted, fragmentTally(selection.name.value));
    }
    return counted;
  }

  function fragmentTally(name: string): Tally {
    let counted = fragmentTallies.get(name);
    if (!counted) {
      const definition = fragments.get(name);
      const type = definition && apiSchema.getType(definition.typeCondition.name.value);
      // Validation refuses spread cycles; the placeholder keeps a cycle from recursing regardless.
      fragmentTallies.set(name, new Map());
      counted = definition && type ? tally(definition.selectionSet, type) : new Map();
      fragmentTallies.set(name, counted);
    }
    return counted;
  }

  return { calls: [...tally(operation.selectionSet, root).values()], broken: [...broken.values()] };
}

function add(into: Tally, calls: FieldCalls): void {
  const existing = into.get(calls.key);
  if (existing) existing.points = Math.min(existing.points + calls.points, MAX_POINTS);
  else into.set(calls.key, { ...calls });
}

function merge(into: Tally, from: Tally): void {
  for (const calls of from.values()) add(into, calls);
}

/** The field's argument values, defaults applied; an argument that cannot be read counts as absent. */
function argumentsOf(field: GraphQLField<unknown, unknown>, node: FieldNode, variables: Record<string, unknown>): Record<string, unknown> {
  try {
    return getArgumentValues(field, node, variables);
  } catch {
    return {};
  }
}

function keyOf(rule: FieldRule, args: Record<string, unknown>, caller: Caller): string {
  const values = rule.by.map((key) => valueOf(key, args, caller));
  const digest = createHash('sha256').update(JSON.stringify(values)).digest('base64url').slice(0, 22);
  return `field:${rule.coordinate}:${rule.signature}:${digest}`;
}

/**
 * A key's value for one call. Argument values are compared trimmed and
 * lower-cased (` Someone@Example.com` is `someone@example.com`, as identifiers
 * such as addresses are usually stored); an absent one is empty, so every call without it
 * shares one count. An anonymous caller's `user` is their address.
 */
function valueOf(key: RateLimitKey, args: Record<string, unknown>, caller: Caller): string {
  if (key.kind === 'ip') return `ip:${caller.clientAddress}`;
  if (key.kind === 'user') return caller.userId ? `user:${caller.userId}` : `ip:${caller.clientAddress}`;
  let value: unknown = args;
  for (const name of key.path) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value.trim().toLowerCase() : JSON.stringify(value);
}
