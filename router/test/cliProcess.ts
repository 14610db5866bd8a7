import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export const repo = path.resolve(import.meta.dirname, '../..');
const cli = path.join(repo, 'router/src/cli.ts');

/**
 * A working copy of the schema files the CLI reads, in a temp folder, so no
 * test ever changes the repository's own files.
 */
export async function workingCopy(): Promise<{ dir: string; config: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'supergraph-cli-'));
  // Schema files are copied; event contracts stay in the repository, where
  // their imports resolve, so the copy's config points at them there.
  const config = await readFile(path.join(repo, 'supergraph.yaml'), 'utf8');
  await writeFile(path.join(dir, 'supergraph.yaml'), config.replace(/^(\s+file: )\.\/(subgraphs\/\S+\.ts)$/gm, (_line, key: string, file: string) => key + path.join(repo, file)));
  await cp(path.join(repo, 'docs/example-query.graphql'), path.join(dir, 'docs/example-query.graphql'), { recursive: true });
  for (const name of await readdir(path.join(repo, 'subgraphs'))) {
    await mkdir(path.join(dir, 'subgraphs', name), { recursive: true });
    await cp(path.join(repo, 'subgraphs', name, 'schema.graphql'), path.join(dir, 'subgraphs', name, 'schema.graphql'));
  }
  return { dir, config: path.join(dir, 'supergraph.yaml') };
}

/** Runs `npm run supergraph -- <args>` in its own process, as a developer would, with `env` added to ours. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: repo, env: { ...process.env, ...env } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}
