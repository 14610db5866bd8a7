import { loadUsersConfig } from './config.ts';
import { startUsersSubgraph } from './server.ts';

const subgraph = await startUsersSubgraph(loadUsersConfig());
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void subgraph.stop().then(() => process.exit(0)));
