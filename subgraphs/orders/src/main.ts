import { loadOrdersConfig } from './config.ts';
import { startOrdersSubgraph } from './server.ts';

const subgraph = await startOrdersSubgraph(loadOrdersConfig());
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void subgraph.stop().then(() => process.exit(0)));
