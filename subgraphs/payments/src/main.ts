import { loadPaymentsConfig } from './config.ts';
import { startPaymentsSubgraph } from './server.ts';

const subgraph = await startPaymentsSubgraph(loadPaymentsConfig());
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void subgraph.stop().then(() => process.exit(0)));
