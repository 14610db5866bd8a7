import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeSupergraph, loadSupergraphConfig } from '../src/index.ts';
import { DASHBOARD, OVER_THE_LIMIT } from '../../test/kit/costQueries.ts';
import { runCli, workingCopy } from './cliProcess.ts';

/** Writes a document of operations into the working copy. */
async function operationsFile(dir: string, document: string): Promise<string> {
  const file = path.join(dir, 'operations.graphql');
  await writeFile(file, document);
  return file;
}

// One after another: each spawn composes the supergraph, and schemaWorkflowCli
// already runs its own spawns side by side.
describe('npm run supergraph -- cost', { timeout: 60_000 }, () => {
  it('prints each operation of a document with its estimate and exits 0 when all are within the limit', async () => {
    const { dir, config } = await workingCopy();
    const shared = `query Dashboard ${DASHBOARD.replace('name notes', '...Person notes')}\nquery Newest { users { edges { node { ...Person } } } }\nfragment Person on User { name }`;
    const result = await runCli(['cost', await operationsFile(dir, shared), '--config', config]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Limit 10000 (COST_LIMIT); a list without @listSize counts 100 items (COST_DEFAULT_LIST_SIZE).');
    // Newest: users (1) + 20 edges by default x (edge 1 + user 1)
    expect(result.stdout).toMatch(/\n  Dashboard +6241  ok\n  Newest +41  ok\n/);
    expect(result.stdout).toContain('OK: all 2 operations are within the limit.');
  });

  it('exits 1 and names the operation over the limit, with COST_LIMIT from the environment', async () => {
    const { dir, config } = await workingCopy();
    const file = await operationsFile(dir, `query Dashboard ${DASHBOARD}\nquery Wide ${OVER_THE_LIMIT}`);
    const defaults = await runCli(['cost', file, '--config', config]);
    expect(defaults.code).toBe(1);
    expect(defaults.stdout).toMatch(/\n  Dashboard +6241  ok\n  Wide +40401  OVER THE LIMIT\n/);
    expect(defaults.stdout).toContain('FAILED: the router would refuse 1 of the 2 operations.');

    const strict = await runCli(['cost', file, '--config', config], { COST_LIMIT: '5000' });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/\n  Dashboard +6241  OVER THE LIMIT\n/);
  });

  it('reads a published supergraph with --published, and reports an operation that does not validate', async () => {
    const { dir, config } = await workingCopy();
    const published = path.join(dir, 'published.graphql');
    await writeFile(published, (await composeSupergraph(await loadSupergraphConfig(config))).supergraphSdl);
    const file = await operationsFile(dir, 'query Names { users(first: 2) { edges { node { name } } } }\nquery Typo { userz { id } }');
    const result = await runCli(['cost', file, '--published', published]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`Against ${published}.`);
    expect(result.stdout).toMatch(/\n  Names +5  ok\n  Typo +-  cannot run: Cannot query field "userz" on type "Query"/);
  });

  it('prints its help, and exits 2 without a file', async () => {
    const help = await runCli(['cost', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: npm run supergraph -- cost <file>...');
    const noFile = await runCli(['cost']);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('Expected at least one <file> of operations.');
  });
});
