import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  type GraphQLField,
  type GraphQLNamedType,
} from 'graphql';
import type { LinkedDirectives } from '../supergraph/linkedDirectives.ts';
import { ENFORCED_SECURITY_SPECS } from '../supergraph/enforcedSecurityLinks.ts';

const [AUTHENTICATED, REQUIRES_SCOPES] = ENFORCED_SECURITY_SPECS;

/** Who is asking, as far as the schema's rules are concerned. */
export interface Caller {
  authenticated: boolean;
  /** From the token's `scope` claim. */
  scopes: ReadonlySet<string>;
}

/**
 * What reading a field or type takes: a signed-in caller, and for each
 * `@requiresScopes` that applies, one of its alternatives (a list of scopes
 * the caller must all hold). Every entry of `scopes` must be met.
 */
export interface Requirement {
  authenticated: boolean;
  scopes: string[][][];
}

const NONE: Requirement = { authenticated: false, scopes: [] };

export type Denial = 'UNAUTHENTICATED' | 'FORBIDDEN';

/** Why the caller may not read something under `requirement`, or null when they may. */
export function denial(requirement: Requirement, caller: Caller): Denial | null {
  if (!requirement.authenticated && requirement.scopes.length === 0) return null;
  if (!caller.authenticated) return 'UNAUTHENTICATED';
  const met = requirement.scopes.every((alternatives) => alternatives.some((all) => all.every((scope) => caller.scopes.has(scope))));
  return met ? null : 'FORBIDDEN';
}

const merge = (...requirements: Requirement[]): Requirement => ({
  authenticated: requirements.some((requirement) => requirement.authenticated),
  scopes: requirements.flatMap((requirement) => requirement.scopes),
});

/**
 * The supergraph's `@authenticated` and `@requiresScopes`, per type and per
 * field. A field needs what its own directives say, what the type it returns
 * says, and, on an interface, what any implementation's field says (a query
 * through the interface reaches every implementation).
 */
export class AccessRules {
  private readonly fields = new Map<string, Requirement>();
  private readonly types = new Map<string, Requirement>();
  /** Whether the supergraph declares any rule at all: if not, nothing needs checking. */
  readonly any: boolean;

  constructor(private readonly linked: LinkedDirectives) {
    this.any = linked.defines(AUTHENTICATED, 'authenticated') || linked.defines(REQUIRES_SCOPES, 'requiresScopes');
  }

  ofType(type: GraphQLNamedType): Requirement {
    let requirement = this.types.get(type.name);
    if (!requirement) {
      requirement = this.any ? this.declared(this.linked.type(type.name) ?? type) : NONE;
      this.types.set(type.name, requirement);
    }
    return requirement;
  }

  ofField(parent: GraphQLNamedType, field: GraphQLField<unknown, unknown>): Requirement {
    const key = `${parent.name}.${field.name}`;
    let requirement = this.fields.get(key);
    if (!requirement) {
      requirement = this.any ? this.computeField(parent, field.name) : NONE;
      this.fields.set(key, requirement);
    }
    return requirement;
  }

  private computeField(parentInApi: GraphQLNamedType, fieldName: string): Requirement {
    const parent = this.linked.type(parentInApi.name);
    if (!parent || !(isObjectType(parent) || isInterfaceType(parent))) return NONE;
    const field = parent.getFields()[fieldName];
    if (!field) return NONE;
    const parts = [this.declared(field), this.ofType(getNamedType(field.type))];
    if (isInterfaceType(parent)) {
      for (const implementation of this.linked.schema.getPossibleTypes(parent)) {
        const implemented = implementation.getFields()[fieldName];
        if (implemented) parts.push(this.declared(implemented));
      }
    }
    return merge(...parts);
  }

  private declared(element: Parameters<LinkedDirectives['applied']>[0]): Requirement {
    return {
      authenticated: this.linked.applied(element, AUTHENTICATED, 'authenticated').length > 0,
      scopes: this.linked.applied(element, REQUIRES_SCOPES, 'requiresScopes').map((args) => args.scopes as string[][]),
    };
  }
}
