import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repo, runCli, workingCopy } from './cliProcess.ts';

/** Writes the working copy's users schema with `edit` applied to a proposal file. */
async function proposeUsers(dir: string, edit: (sdl: string) => string): Promise<string> {
  const file = path.join(dir, 'proposed-users.graphql');
  await writeFile(file, edit(await readFile(path.join(dir, 'subgraphs/users/schema.graphql'), 'utf8')));
  return file;
}

const withoutUserField = (field: string) => (sdl: string) => sdl.replace(new RegExp(`(type User @key[^}]*?)\\n  ${field}: [^\\n]+`), '$1');
const withUserField = (field: string) => (sdl: string) => sdl.replace('  name: String!\n', `  name: String!\n  ${field}\n`);

const run = (...args: string[]) => runCli(args);

// Each test has its own working copy, and each spawn takes seconds (composing five subgraphs, several at once on two cores); run them side by side.
describe.concurrent('supergraph CLI', { timeout: 120_000 }, () => {
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

  it('events --check exits 1 naming the command when the catalogue is stale, and events rewrites it', async () => {
    const { dir, config } = await workingCopy();
    const catalogue = path.join(dir, 'docs/events.md');
    const committed = await readFile(path.join(repo, 'docs/events.md'), 'utf8');
    await writeFile(catalogue, committed.replace(/^\| `userId` \| uuid \| .*$/m, '| `userId` | uuid | stale |'));

    const stale = await run('events', '--check', '--config', config);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(`${catalogue} is out of date with the event contracts or the subscriptions; run npm run docs:events.`);

    expect((await run('events', '--config', config)).code).toBe(0);
    expect(await readFile(catalogue, 'utf8')).toBe(committed);
  });

  it('prints help for each command and exits 2 on bad usage', async () => {
    const commands = ['compose', 'check', 'publish', 'events'];
    const [bad, ...helps] = await Promise.all([run('check'), ...commands.map((command) => run(command, '--help'))]);
    helps.forEach((help, index) => {
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: npm run supergraph -- ${commands[index]}`);
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Expected exactly one <subgraph> name.');
  });
});
