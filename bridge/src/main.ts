import { startTracing } from '@supergraph/common';
import { loadBridgeConfig } from './config.ts';
import { startBridge } from './server.ts';

const config = loadBridgeConfig();
// Before anything else, so every span of the process has a provider to go to.
const tracing = startTracing(config, 'bridge');
const bridge = await startBridge(config);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void bridge.stop().then(() => tracing?.shutdown()).then(() => process.exit(0)));
}
