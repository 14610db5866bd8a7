import { startTracing } from '@supergraph/common';
import { loadOrdersConfig } from './config.ts';
import { startOrdersSubgraph } from './server.ts';

const config = loadOrdersConfig();
// Before anything else, so every span of the process has a provider to go to.
const tracing = startTracing(config, 'orders');
const subgraph = await startOrdersSubgraph(config);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void subgraph.stop().then(() => tracing?.shutdown()).then(() => process.exit(0)));
}
