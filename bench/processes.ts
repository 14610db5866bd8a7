import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Service {
  child: ChildProcess;
  stop: () => Promise<void>;
}

/**
 * Runs a TypeScript entry point in its own process, as production would, so
 * the load generator and each server get their own event loop.
 */
export function runService(entry: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Service {
  // One process per service (tsx as a loader, not tsx's CLI, which adds a parent process).
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(root, entry)], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return {
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Runs an entry point to completion. */
export function runOnce(entry: string, env: NodeJS.ProcessEnv): Promise<void> {
  const { child } = runService(entry, env);
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${entry} exited with ${code}`)))),
  );
}

/** Polls a service's `/health` (next to its `/graphql`) until it answers 200: subgraphs answer no unsigned query. */
export const waitForHealth = (graphqlUrl: string, timeoutMs = 60_000) => waitUntilOk(graphqlUrl.replace(/\/graphql$/, '/health'), {}, timeoutMs);

/** Polls a GraphQL endpoint until it answers a trivial query. */
export const waitForGraphQL = (url: string, timeoutMs = 60_000) =>
  waitUntilOk(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) }, timeoutMs);

async function waitUntilOk(url: string, init: RequestInit, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, init)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not come up within ${timeoutMs} ms`);
}
