import { parseConfig, sharedConfigSchema, startTracing } from '@supergraph/common';
import { DEMO_PASSWORD, demoUsers } from '@supergraph/demo';
import { seedDemoData, startSupergraph } from './startSupergraph.ts';

// `npm start`: the whole supergraph on this machine, nothing to install.
try {
  // One process runs every service here: one tracer provider for them all.
  const tracing = startTracing(parseConfig(sharedConfigSchema, process.env, 'supergraph'), 'supergraph');
  const supergraph = await startSupergraph();
  console.log(`\nSupergraph ready: ${supergraph.url.replace("//127.0.0.1:", "//localhost:")} (open it in a browser for GraphiQL)`);
  if (seedDemoData(process.env)) console.log(`Demo account: ${demoUsers[0].email} / ${DEMO_PASSWORD} (see README for an example query).`);
  console.log('Ctrl-C stops.\n');
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, async () => {
      if (stopping) return;
      stopping = true;
      console.log('\nStopping...');
      await supergraph.stop();
      await tracing?.shutdown();
      process.exit(0);
    });
  }
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
