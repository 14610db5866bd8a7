import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { SharedConfig } from './sharedConfig.ts';

/**
 * How deep brackets (`{`, `[`, `(`) may nest in a document. graphql-js parses
 * recursively: a cold parser runs out of stack near 2,000 nested lists, and
 * sooner under Apollo's own frames, so the token limit (one token per `[`)
 * cannot keep it away from that edge on its own. A hundred levels is far
 * beyond any real operation: the depth limit stops selections long before,
 * and input values nest a few levels.
 */
export const MAX_NESTING = 100;

/** What bounds a document before anything recursive reads it. */
export interface DocumentLimits {
  /** Tokens per document (`ARMOR_MAX_TOKENS`). */
  maxTokens: number;
  /** Bracket nesting per document. */
  maxNesting: number;
}

export const documentLimits = (config: SharedConfig): DocumentLimits => ({
  maxTokens: config.ARMOR_MAX_TOKENS,
  maxNesting: MAX_NESTING,
});

/**
 * The same limits guard the router and every subgraph: a subgraph called
 * directly must not be easier to overload than the router in front of it.
 * Field suggestions ("did you mean ...") leak the schema, so they are only
 * shown in development.
 */
export function createArmor(config: SharedConfig) {
  const armor = new ApolloArmor({
    maxDepth: { n: config.ARMOR_MAX_DEPTH, ignoreIntrospection: true, flattenFragments: true },
    // Cost is the router's: demand control on the supergraph's @cost and @listSize (router/src/demandControl).
    costLimit: { enabled: false },
    maxAliases: { n: config.ARMOR_MAX_ALIASES },
    // graphql-js enforces the token limit itself (`parseOptions` below), and
    // Apollo answers its abort with 400 GRAPHQL_PARSE_FAILED. Armor's plugin
    // would parse every document a second time, in a hook whose errors Apollo
    // can only answer with 500.
    maxTokens: { enabled: false },
    maxDirectives: { n: config.ARMOR_MAX_DIRECTIVES },
    blockFieldSuggestion: { enabled: config.NODE_ENV !== 'development' },
  }).protect();
  return { ...armor, parseOptions: { maxTokens: config.ARMOR_MAX_TOKENS } };
}
