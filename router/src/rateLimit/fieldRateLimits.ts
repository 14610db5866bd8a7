import {
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
} from 'graphql';
import type { LinkedDirectives } from '../supergraph/linkedDirectives.ts';
import type { Limit } from './limiterStore.ts';

/** The identity of our rate-limit spec, as subgraphs link it: `https://specs.supergraph.dev/rateLimit/v0.1`. */
export const RATE_LIMIT_SPEC = 'https://specs.supergraph.dev/rateLimit';

/** The definition subgraphs copy into their SDL (see the README). */
export const RATE_LIMIT_DIRECTIVE = 'directive @rateLimit(limit: Int!, window: Int!, by: [String!]!) repeatable on FIELD_DEFINITION';

/** What a `by` entry counts per: the client address, the signed-in user, or an argument's value at a path. */
export type RateLimitKey = { kind: 'ip' } | { kind: 'user' } | { kind: 'argument'; path: string[] };

/** One `@rateLimit` application: `limit` calls per `windowSeconds` for each combination of the `by` values. */
export interface FieldRule extends Limit {
  /** `Type.field`, where the directive is applied. */
  coordinate: string;
  by: RateLimitKey[];
  /** `by` as written, to tell this rule's counts from another's on the same field. */
  signature: string;
}

/** A field whose `@rateLimit` the router cannot enforce: it is refused rather than served without its limit. */
export interface BrokenRule {
  coordinate: string;
  problem: string;
}

type Compiled = FieldRule[] | BrokenRule;

/**
 * The supergraph's `@rateLimit` applications, per field, checked once per
 * supergraph (re)load. The directive is found by its spec's identity, so a
 * subgraph may import it under another name.
 */
export class FieldRateLimits {
  /** Whether the supergraph limits any field: if not, operations are not walked at all. */
  readonly any: boolean;
  /** Applications the router cannot enforce, e.g. a `by` path naming no argument. */
  readonly problems: BrokenRule[] = [];
  private readonly byCoordinate = new Map<string, Compiled>();

  /** `multiplier` scales every declared limit (RATE_LIMIT_FIELD_MULTIPLIER). */
  constructor(
    private readonly linked: LinkedDirectives,
    private readonly multiplier = 1,
  ) {
    if (linked.defines(RATE_LIMIT_SPEC, 'rateLimit')) {
      for (const type of Object.values(linked.schema.getTypeMap())) {
        if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
        for (const field of Object.values(type.getFields())) this.compile(`${type.name}.${field.name}`, field);
      }
    }
    this.any = this.byCoordinate.size > 0;
  }

  /**
   * The rules a field selected on `parent` is counted under: its own and, on
   * an interface, every implementation's (a selection through the interface
   * reaches each of them).
   */
  of(parent: GraphQLNamedType, fieldName: string): Compiled[] {
    if (!this.any) return [];
    const own = this.byCoordinate.get(`${parent.name}.${fieldName}`);
    const found = own ? [own] : [];
    const inSupergraph = this.linked.type(parent.name);
    if (inSupergraph && isInterfaceType(inSupergraph)) {
      for (const implementation of this.linked.schema.getPossibleTypes(inSupergraph)) {
        const rules = this.byCoordinate.get(`${implementation.name}.${fieldName}`);
        if (rules) found.push(rules);
      }
    }
    return found;
  }

  private compile(coordinate: string, field: GraphQLField<unknown, unknown>): void {
    const applications = this.linked.applied(field, RATE_LIMIT_SPEC, 'rateLimit');
    if (!applications.length) return;
    const rules: FieldRule[] = [];
    for (const { limit, window, by } of applications as { limit: number; window: number; by: string[] }[]) {
      const problem =
        (limit < 1 && `limit must be at least 1, not ${limit}`) ||
        (window < 1 && `window must be at least 1 second, not ${window}`) ||
        (by.length === 0 && 'by must name at least one key') ||
        by.map((entry) => problemOfKey(field, entry)).find(Boolean);
      if (problem) {
        const broken = { coordinate, problem: `@rateLimit on ${coordinate}: ${problem}` };
        this.problems.push(broken);
        this.byCoordinate.set(coordinate, broken);
        return;
      }
      rules.push({
        coordinate,
        limit: Math.max(1, Math.floor(limit * this.multiplier)),
        windowSeconds: window,
        by: by.map(parseKey),
        signature: by.join(','),
      });
    }
    this.byCoordinate.set(coordinate, rules);
  }
}

export const isBroken = (compiled: Compiled): compiled is BrokenRule => !Array.isArray(compiled);

function parseKey(entry: string): RateLimitKey {
  if (entry === 'ip' || entry === 'user') return { kind: entry };
  return { kind: 'argument', path: entry.split('.') };
}

/** Why a `by` entry names nothing the field has, or undefined when it is fine. */
function problemOfKey(field: GraphQLField<unknown, unknown>, entry: string): string | undefined {
  if (entry === 'ip' || entry === 'user') return undefined;
  const [argumentName, ...rest] = entry.split('.');
  const argument = field.args.find((candidate) => candidate.name === argumentName);
  if (!argument) return `by "${entry}": ${field.name} has no argument "${argumentName}" (use "ip", "user" or an argument path such as "input.email")`;
  let type: GraphQLInputType = argument.type;
  for (const name of rest) {
    const named = getNamedType(type);
    const next = isInputObjectType(named) ? named.getFields()[name] : undefined;
    if (!next) return `by "${entry}": ${named.name} has no field "${name}"`;
    type = next.type;
  }
  return undefined;
}
