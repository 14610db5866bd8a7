import { buildSchema as buildFederationSchema, type CoreFeatures } from '@apollo/federation-internals';
import {
  buildASTSchema,
  getDirectiveValues,
  parse,
  type DirectiveNode,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';

/** A spec linked into the supergraph with `@link`, named by its identity (its URL without the version). */
export type SpecIdentity = string;

type WithDirectives = { astNode?: { readonly directives?: readonly DirectiveNode[] } | null | undefined };

/**
 * Reads the applications of linked directives (`@authenticated`,
 * `@requiresScopes`, `@cost`, `@listSize`, a subgraph team's own composed
 * directives) from a supergraph. Composition may rename a directive (`as:`,
 * `import:` or a `spec__name` prefix); the core spec's naming rules live in
 * `@apollo/federation-internals`, so names are looked up there rather than
 * assumed. Everything the router enforces is read from here, on every
 * supergraph (re)load: it never names a type or field of its own.
 */
export class LinkedDirectives {
  /** The whole supergraph as graphql-js sees it: join directives and every type. */
  readonly schema: GraphQLSchema;
  private readonly features: CoreFeatures | undefined;

  constructor(readonly supergraphSdl: string) {
    this.schema = buildASTSchema(parse(supergraphSdl), { assumeValidSDL: true });
    this.features = buildFederationSchema(supergraphSdl, { validate: false }).coreFeatures;
  }

  /** The directive's name in this supergraph, or undefined when the supergraph does not link its spec. */
  nameOf(identity: SpecIdentity, directive: string): string | undefined {
    return this.features?.getByIdentity(identity)?.directiveNameInSchema(directive);
  }

  /** Whether the supergraph links the spec and defines the directive. */
  defines(identity: SpecIdentity, directive: string): boolean {
    const name = this.nameOf(identity, directive);
    return name !== undefined && this.schema.getDirective(name) !== undefined;
  }

  /** The argument values of each application of a linked directive on a type, field or argument definition. */
  applied(element: WithDirectives, identity: SpecIdentity, directive: string): Record<string, unknown>[] {
    const name = this.nameOf(identity, directive);
    const definition = name === undefined ? undefined : this.schema.getDirective(name);
    if (!definition || !element.astNode?.directives?.length) return [];
    // getDirectiveValues reads only the first application; repeatable ones are read one node at a time.
    return element.astNode.directives
      .filter((node) => node.name.value === name)
      .map((node) => getDirectiveValues(definition, { directives: [node] }) ?? {});
  }

  /** The supergraph's definition of a type the API schema also has. */
  type(name: string): GraphQLNamedType | undefined {
    return this.schema.getType(name);
  }
}
