import { webhookEndpointDisabledEvent } from './webhookEvents.ts';

/**
 * Every event type the webhooks subgraph publishes. supergraph.yaml points the
 * supergraph tooling here (`events: { file }`).
 */
export const events = [webhookEndpointDisabledEvent];
