import { loadBridgeConfig } from './config.ts';
import { startBridge } from './server.ts';

const bridge = await startBridge(loadBridgeConfig());
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void bridge.stop().then(() => process.exit(0)));
