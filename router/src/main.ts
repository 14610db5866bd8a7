import { startTracing } from '@supergraph/common';
import { loadRouterConfig } from './config.ts';
import { startRouter } from './server.ts';

try {
  const config = loadRouterConfig();
  // Before anything else, so every span of the process has a provider to go to.
  const tracing = startTracing(config, 'router');
  const router = await startRouter(config);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void router.stop().then(() => tracing?.shutdown()).then(() => process.exit(0)));
  }
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
