export { CompositionError, composeSupergraph } from './composeSupergraph.ts';
export { loadRouterConfig, type RouterConfig } from './config.ts';
export { startRouter, type Router } from './server.ts';
export { loadSupergraphConfig, type SubgraphEntry } from './supergraphConfig.ts';
