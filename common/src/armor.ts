import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { SharedConfig } from './sharedConfig.ts';

/**
 * The same limits guard the router and every subgraph: a subgraph called
 * directly must not be easier to overload than the router in front of it.
 * Field suggestions ("did you mean ...") leak the schema, so they are only
 * shown in development.
 */
export function createArmor(config: SharedConfig) {
  return new ApolloArmor({
    maxDepth: { n: config.ARMOR_MAX_DEPTH, ignoreIntrospection: true, flattenFragments: true },
    costLimit: { maxCost: config.ARMOR_MAX_COST, ignoreIntrospection: true },
    maxAliases: { n: config.ARMOR_MAX_ALIASES },
    maxTokens: { n: config.ARMOR_MAX_TOKENS },
    maxDirectives: { n: config.ARMOR_MAX_DIRECTIVES },
    blockFieldSuggestion: { enabled: config.NODE_ENV !== 'development' },
  }).protect();
}
