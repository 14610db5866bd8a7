import { loadNotesConfig } from './config.ts';
import { startNotesSubgraph } from './server.ts';

const subgraph = await startNotesSubgraph(loadNotesConfig());
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void subgraph.stop().then(() => process.exit(0)));
