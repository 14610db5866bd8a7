import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');

/**
 * What `migrate deploy` prints last, once its schema engine has stopped. The
 * CLI then stays alive for about ten seconds on a timer its Wasm schema
 * engine never clears, with nothing left to do: on either line we end it
 * instead of waiting (npm start and every test run migrate).
 */
const DONE = /All migrations have been successfully applied\.|No pending migrations to apply\./;

/** Applies a subgraph's committed SQL migrations with `prisma migrate deploy`. */
export async function runMigrations(subgraphDir: string, urlVariable: string, url: string): Promise<void> {
  const child = spawn(process.execPath, [prismaCli, 'migrate', 'deploy'], {
    cwd: subgraphDir,
    env: { ...process.env, [urlVariable]: url, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let done = false;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (!done && DONE.test(stdout)) {
      done = true;
      child.kill();
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  // Killed by us only after it reported success; otherwise its own exit code decides.
  if (done || code === 0) return;
  throw new Error(`migrate deploy failed in ${subgraphDir}:\n${stdout}${stderr}`);
}
