import { loadWebhooksConfig } from './config.ts';
import { startWebhooksSubgraph } from './server.ts';

const subgraph = await startWebhooksSubgraph(loadWebhooksConfig());
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void subgraph.stop().then(() => process.exit(0)));
