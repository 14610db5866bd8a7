import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DASHBOARD, OVER_THE_LIMIT } from '../../test/kit/costQueries.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const cli = path.join(repo, 'router/src/cli.ts');
const SUBGRAPHS = ['users', 'notes', 'orders'];

/**
 * A working copy of the schema files the CLI reads, in a temp folder, so no
 * test ever changes the repository's own files.
 */
async function workingCopy(): Promise<{ dir: string; config: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'supergraph-cli-'));
  await cp(path.join(repo, 'supergraph.yaml'), path.join(dir, 'supergraph.yaml'));
  await cp(path.join(repo, 'docs/example-query.graphql'), path.join(dir, 'docs/example-query.graphql'), { recursive: true });
  for (const name of SUBGRAPHS) {
    await mkdir(path.join(dir, 'subgraphs', name), { recursive: true });
    await cp(path.join(repo, 'subgraphs', name, 'schema.graphql'), path.join(dir, 'subgraphs', name, 'schema.graphql'));
  }
  return { dir, config: path.join(dir, 'supergraph.yaml') };
}

/** Writes the working copy's users schema with `edit` applied to a proposal file. */
async function proposeUsers(dir: string, edit: (sdl: string) => string): Promise<string> {
  const file = path.join(dir, 'proposed-users.graphql');
  await writeFile(file, edit(await readFile(path.join(dir, 'subgraphs/users/schema.graphql'), 'utf8')));
  return file;
}

/** Writes a document of operations into the working copy. */
async function operationsFile(dir: string, document: string): Promise<string> {
  const file = path.join(dir, 'operations.graphql');
  await writeFile(file, document);
  return file;
}

const withoutUserField = (field: string) => (sdl: string) => sdl.replace(new RegExp(`(type User @key[^}]*?)\\n  ${field}: [^\\n]+`), '$1');
const withUserField = (field: string) => (sdl: string) => sdl.replace('  name: String!\n', `  name: String!\n  ${field}\n`);

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runWith({}, ...args);
}

async function runWith(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: repo, env: { ...process.env, ...env } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

// Each test has its own working copy, and each spawn takes seconds; run them side by side.
describe.concurrent('supergraph CLI', { timeout: 60_000 }, () => {
  it('compose writes the supergraph SDL', async () => {
    const { dir, config } = await workingCopy();
    const result = await run('compose', '--config', config);
    expect(result.code).toBe(0);
    expect(await readFile(path.join(dir, 'supergraph.graphql'), 'utf8')).toContain('join__graph(name: "orders"');
  });

  it('check exits 1 and names the operation when a removed field is used by a known operation', async () => {
    const { dir, config } = await workingCopy();
    const result = await run('check', 'users', '--config', config, '--schema', await proposeUsers(dir, withoutUserField('email')));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Breaking, used by known operations (1)');
    expect(result.stdout).toContain(`breaks MyNotesAndOrders (${path.join(dir, 'docs/example-query.graphql')}): Cannot query field "email" on type "User".`);
  });

  it('check exits 0 and reports a removed field no operation uses as breaking but unused', async () => {
    const { dir, config } = await workingCopy();
    const result = await run('check', 'users', '--config', config, '--schema', await proposeUsers(dir, withoutUserField('createdAt')));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Breaking, but no known operation uses it (1)\n  - Field 'createdAt' was removed from object type 'User' [User.createdAt]");
  });

  it('check exits 0 and reports an added field as safe', async () => {
    const { dir, config } = await workingCopy();
    const result = await run('check', 'users', '--config', config, '--schema', await proposeUsers(dir, withUserField('nickname: String')));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Safe (1)\n  - Field 'nickname' was added to object type 'User' [User.nickname]");
  });

  it('check exits 1 with the subgraphs and locations when the proposal conflicts with another subgraph', async () => {
    const { dir, config } = await workingCopy();
    // notes and orders declare PageInfo @shareable with `hasNextPage: Boolean!`; a different type does not merge.
    const proposal = await proposeUsers(dir, (sdl) => sdl.replace('  hasNextPage: Boolean!', '  hasNextPage: String!'));
    const result = await run('check', 'users', '--config', config, '--schema', proposal);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PageInfo.hasNextPage');
    expect(result.stderr).toMatch(new RegExp(`users \\(${proposal.replaceAll('.', '\\.')}:\\d+:\\d+\\)`));
    expect(result.stderr).toMatch(/(notes|orders) \(.*schema\.graphql:\d+:\d+\)/);
  });

  it('check --json prints a stable object with the classification', async () => {
    const { dir, config } = await workingCopy();
    const result = await run('check', 'users', '--config', config, '--json', '--schema', await proposeUsers(dir, withoutUserField('email')));
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report)).toEqual(['baseline', 'ok', 'operationsChecked', 'breaking', 'dangerous', 'safe', 'brokenOperations']);
    expect(report).toMatchObject({
      baseline: 'the schema files on disk',
      ok: false,
      operationsChecked: 1,
      breaking: { used: [{ type: 'FIELD_REMOVED', path: 'User.email', operations: [{ name: 'MyNotesAndOrders' }] }], unused: [] },
    });
  });

  it('publish writes the new supergraph, keeps the previous one, and checks later proposals against it', async () => {
    const { dir, config } = await workingCopy();
    const out = path.join(dir, 'published/supergraph.graphql');
    expect((await run('publish', 'users', '--config', config)).code).toBe(0);
    const first = await readFile(out, 'utf8');

    const nickname = await proposeUsers(dir, withUserField('nickname: String'));
    const result = await run('publish', 'users', '--config', config, '--schema', nickname);
    expect(result.code).toBe(0);
    expect(await readFile(`${out}.previous`, 'utf8')).toBe(first);
    expect(await readFile(out, 'utf8')).toContain('nickname: String');
    expect(await readFile(path.join(dir, 'published/subgraphs/users.graphql'), 'utf8')).toContain('nickname: String');
    expect(await readFile(path.join(dir, 'published/subgraphs/notes.graphql'), 'utf8')).toBe(
      await readFile(path.join(dir, 'subgraphs/notes/schema.graphql'), 'utf8'),
    );

    // The baseline is now the published supergraph: the file on disk lacks `nickname`, so going back to it removes a field.
    const back = await run('check', 'users', '--config', config);
    expect(back.stdout).toContain(`Compared with ${out}.`);
    expect(back.stdout).toContain('[User.nickname]');
  });

  it('publish of a schema that breaks a known operation exits 1 and leaves the published files untouched', async () => {
    const { dir, config } = await workingCopy();
    const out = path.join(dir, 'published/supergraph.graphql');
    expect((await run('publish', 'users', '--config', config)).code).toBe(0);
    const before = await stat(out);

    const result = await run('publish', 'users', '--config', config, '--schema', await proposeUsers(dir, withoutUserField('email')));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Nothing was published.');
    expect((await stat(out)).mtimeMs).toBe(before.mtimeMs);
    await expect(stat(`${out}.previous`)).rejects.toThrow(/ENOENT/);
    expect(await readFile(path.join(dir, 'published/subgraphs/users.graphql'), 'utf8')).toContain('email: String!');
  });

  it('publish of a schema that does not compose exits 1 and writes nothing', async () => {
    const { dir, config } = await workingCopy();
    const result = await run('publish', 'users', '--config', config, '--schema', await proposeUsers(dir, (sdl) => `${sdl}\ntype {`));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Syntax Error.*\n\s+at users \(.*proposed-users\.graphql:\d+:\d+\)/);
    await expect(stat(path.join(dir, 'published'))).rejects.toThrow(/ENOENT/);
  });

  it('cost prints each operation of a document with its estimate and exits 0 when all are within the limit', async () => {
    const { dir, config } = await workingCopy();
    const file = await operationsFile(dir, `query Dashboard ${DASHBOARD.replace('name notes', '...Person notes')}\nquery Newest { users { edges { node { ...Person } } } }\nfragment Person on User { name }`);
    const result = await run('cost', file, '--config', config);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Limit 10000 (COST_LIMIT); a list without @listSize counts 100 items (COST_DEFAULT_LIST_SIZE).');
    expect(result.stdout).toMatch(/\n  Dashboard +6241  ok\n  Newest +41  ok\n/);
    expect(result.stdout).toContain('OK: all 2 operations are within the limit.');
  });

  it('cost exits 1 and names the operation over the limit, with COST_LIMIT from the environment', async () => {
    const { dir, config } = await workingCopy();
    const file = await operationsFile(dir, `query Dashboard ${DASHBOARD}\nquery Wide ${OVER_THE_LIMIT}`);
    const defaults = await run('cost', file, '--config', config);
    expect(defaults.code).toBe(1);
    expect(defaults.stdout).toMatch(/\n  Dashboard +6241  ok\n  Wide +40401  OVER THE LIMIT\n/);
    expect(defaults.stdout).toContain('FAILED: the router would refuse 1 of the 2 operations.');

    const strict = await runWith({ COST_LIMIT: '5000' }, 'cost', file, '--config', config);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/\n  Dashboard +6241  OVER THE LIMIT\n/);
  });

  it('cost reads a published supergraph with --published, and reports an operation it does not validate', async () => {
    const { dir, config } = await workingCopy();
    expect((await run('publish', 'users', '--config', config)).code).toBe(0);
    const file = await operationsFile(dir, 'query Names { users(first: 2) { edges { node { name } } } }\nquery Typo { userz { id } }');
    const result = await run('cost', file, '--published', path.join(dir, 'published/supergraph.graphql'));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`Against ${path.join(dir, 'published/supergraph.graphql')}.`);
    expect(result.stdout).toMatch(/\n  Names +5  ok\n  Typo +-  cannot run: Cannot query field "userz" on type "Query"/);
  });

  it('prints help for each command and exits 2 on bad usage', async () => {
    const commands = ['compose', 'check', 'publish', 'cost'];
    const [bad, noFile, ...helps] = await Promise.all([run('check'), run('cost'), ...commands.map((command) => run(command, '--help'))]);
    helps.forEach((help, index) => {
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: npm run supergraph -- ${commands[index]}`);
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Expected exactly one <subgraph> name.');
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('Expected at least one <file> of operations.');
  });
});
