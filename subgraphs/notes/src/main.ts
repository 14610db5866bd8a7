import { startTracing } from '@supergraph/common';
import { loadNotesConfig } from './config.ts';
import { startNotesSubgraph } from './server.ts';

const config = loadNotesConfig();
// Before anything else, so every span of the process has a provider to go to.
const tracing = startTracing(config, 'notes');
const subgraph = await startNotesSubgraph(config);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void subgraph.stop().then(() => tracing?.shutdown()).then(() => process.exit(0)));
}
