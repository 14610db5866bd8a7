export { loadWebhooksConfig, type WebhooksConfig } from './config.ts';
export { startWebhooksSubgraph, type WebhooksSubgraph } from './server.ts';
