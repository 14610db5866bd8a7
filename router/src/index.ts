export { CompositionError, composeSupergraph } from './composeSupergraph.ts';
export { loadRouterConfig, type RouterConfig } from './config.ts';
export { signingFetcher } from './signingFetcher.ts';
export { startRouter, type Router, type RouterRuntime } from './server.ts';
export { pubSubEventSource, type EventSource } from './subscriptions/eventSource.ts';
export { EventsExpiredError } from './subscriptions/eventsExpiredError.ts';
export { memoryEventSource } from './subscriptions/memoryEventSource.ts';
export { redisEventSource, type RedisEventSourceOptions } from './subscriptions/redisEventSource.ts';
export { loadSupergraphConfig, type SubgraphEntry } from './supergraphConfig.ts';
