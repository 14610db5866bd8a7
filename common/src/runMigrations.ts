import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

const run = promisify(execFile);
const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');

/**
 * Applies a subgraph's committed SQL migrations with `prisma migrate deploy`.
 * The CLI takes about ten seconds to exit after it is done (a timer in its
 * Wasm schema engine), so callers migrate subgraphs in parallel.
 */
export async function runMigrations(subgraphDir: string, urlVariable: string, url: string): Promise<void> {
  try {
    await run(process.execPath, [prismaCli, 'migrate', 'deploy'], {
      cwd: subgraphDir,
      env: { ...process.env, [urlVariable]: url, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`migrate deploy failed in ${subgraphDir}:\n${stdout}${stderr}`);
  }
}
