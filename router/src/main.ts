import { loadRouterConfig } from './config.ts';
import { startRouter } from './server.ts';

try {
  const router = await startRouter(loadRouterConfig());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void router.stop().then(() => process.exit(0)));
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
