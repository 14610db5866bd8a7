import { startTracing } from '@supergraph/common';
import { loadUsersConfig } from './config.ts';
import { startUsersSubgraph } from './server.ts';

const config = loadUsersConfig();
// Before anything else, so every span of the process has a provider to go to.
const tracing = startTracing(config, 'users');
const subgraph = await startUsersSubgraph(config);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void subgraph.stop().then(() => tracing?.shutdown()).then(() => process.exit(0)));
}
