import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CompositionError, composeSupergraph, loadSupergraphConfig } from '../src/index.ts';
import {
  affectedOperations,
  apiSchemaOf,
  checkSchemaChange,
  composeWithProposal,
  loadKnownOperations,
  publishSupergraph,
  type KnownOperation,
} from '../src/schemaWorkflow/index.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const usersSchema = path.join(repo, 'subgraphs/users/schema.graphql');

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'schema-workflow-'));
}

/** The users subgraph's SDL with `edit` applied, written to a temp file. */
async function proposedUsers(edit: (sdl: string) => string): Promise<string> {
  const file = path.join(await tempDir(), 'users.graphql');
  await writeFile(file, edit(await readFile(usersSchema, 'utf8')));
  return file;
}

const withoutUserField = (field: string) => (sdl: string) => sdl.replace(new RegExp(`(type User @key[^}]*?)\\n  ${field}: [^\\n]+`), '$1');

async function compare(proposal: string) {
  const subgraphs = await loadSupergraphConfig(path.join(repo, 'supergraph.yaml'));
  const baseline = await composeSupergraph(subgraphs);
  const proposed = await composeWithProposal(subgraphs, { subgraph: 'users', schemaFile: proposal });
  const operations = await loadKnownOperations([path.join(repo, 'docs/example-query.graphql')]);
  return checkSchemaChange(baseline.supergraphSdl, proposed.supergraphSdl, operations);
}

describe('checkSchemaChange', () => {
  it('reports a removed field that a known operation selects as breaking and used, naming the operation', async () => {
    const report = await compare(await proposedUsers(withoutUserField('email')));
    expect(report.ok).toBe(false);
    expect(report.breaking.used).toEqual([
      expect.objectContaining({
        type: 'FIELD_REMOVED',
        path: 'User.email',
        operations: [
          {
            name: 'MyNotesAndOrders',
            source: path.join(repo, 'docs/example-query.graphql'),
            errors: ['Cannot query field "email" on type "User".'],
          },
        ],
      }),
    ]);
  });

  it('reports a removed field that no known operation selects as breaking but unused', async () => {
    const report = await compare(await proposedUsers(withoutUserField('createdAt')));
    expect(report.ok).toBe(true);
    expect(report.breaking.used).toEqual([]);
    expect(report.breaking.unused.map((change) => change.path)).toEqual(['User.createdAt']);
  });

  it('reports an added field as safe', async () => {
    const report = await compare(await proposedUsers((sdl) => sdl.replace('  name: String!\n', '  name: String!\n  nickname: String\n')));
    expect(report).toMatchObject({ ok: true, breaking: { used: [], unused: [] }, dangerous: [] });
    expect(report.safe.map((change) => change.path)).toEqual(['User.nickname']);
  });

  it('diffs the API schema, so routing-only changes are not reported', async () => {
    const report = await compare(usersSchema);
    expect(report).toMatchObject({ ok: true, breaking: { used: [], unused: [] }, dangerous: [], safe: [] });
  });
});

describe('composeWithProposal', () => {
  it('throws CompositionError naming the subgraph and the location in the proposed file', async () => {
    const proposal = await proposedUsers((sdl) => sdl.replace('  name: String!\n', '  name: String!\n  broken: \n'));
    const subgraphs = await loadSupergraphConfig(path.join(repo, 'supergraph.yaml'));
    const error = await composeWithProposal(subgraphs, { subgraph: 'users', schemaFile: proposal }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CompositionError);
    // `broken:` lacks its type, so the parser stops at the colon of the next field, on the line after it.
    const line = (await readFile(proposal, 'utf8')).split('\n').findIndex((text) => text.includes('broken:')) + 2;
    expect((error as Error).message).toContain(`users (${proposal}:${line}:12)`);
  });

  it('rejects an unknown subgraph, listing the known ones', async () => {
    const subgraphs = await loadSupergraphConfig(path.join(repo, 'supergraph.yaml'));
    await expect(composeWithProposal(subgraphs, { subgraph: 'billing' })).rejects.toThrow(
      `Unknown subgraph "billing"; the config lists ${subgraphs.map(({ name }) => name).join(', ')}.`,
    );
  });
});

describe('loadKnownOperations', () => {
  it('reads every operation from graphql documents and persisted lists, each with its fragments', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'web'));
    await writeFile(
      path.join(dir, 'web/users.graphql'),
      'query Me { me { ...UserBits } }\nquery FirstUsers { users(first: 2) { totalCount } }\nfragment UserBits on User { id name }',
    );
    await writeFile(path.join(dir, 'mobile.json'), JSON.stringify({ abc123: '{ me { id } }' }));
    const operations = await loadKnownOperations([dir, path.join(dir, 'missing.graphql')]);
    expect(operations.map(({ name, source }) => ({ name, source }))).toEqual([
      { name: 'anonymous abc123', source: `${path.join(dir, 'mobile.json')}#abc123` },
      { name: 'Me', source: path.join(dir, 'web/users.graphql') },
      { name: 'FirstUsers', source: path.join(dir, 'web/users.graphql') },
    ]);
    expect(operations[1]!.document.definitions).toHaveLength(2);
  });

  it('rejects a persisted list that is not a hash -> query object', async () => {
    const file = path.join(await tempDir(), 'list.json');
    await writeFile(file, '["{ me { id } }"]');
    await expect(loadKnownOperations([file])).rejects.toThrow(`${file} must be a persisted operation list`);
  });
});

describe('affectedOperations', () => {
  it('ignores operations that were already invalid against the old schema', async () => {
    const { supergraphSdl } = await composeSupergraph(await loadSupergraphConfig(path.join(repo, 'supergraph.yaml')));
    const schema = apiSchemaOf(supergraphSdl);
    const dir = await tempDir();
    await writeFile(path.join(dir, 'stale.graphql'), 'query Stale { me { shoeSize } }');
    const operations: KnownOperation[] = await loadKnownOperations([dir]);
    expect(affectedOperations(operations, schema, schema)).toEqual([]);
  });
});

describe('publishSupergraph', () => {
  it('writes the new supergraph and every subgraph SDL, keeping the previous supergraph', async () => {
    const dir = await tempDir();
    const out = path.join(dir, 'published/supergraph.graphql');
    await publishSupergraph({ out, supergraphSdl: 'first', subgraphSdls: { users: 'users v1', notes: 'notes v1' } });
    await publishSupergraph({ out, supergraphSdl: 'second', subgraphSdls: { users: 'users v2', notes: 'notes v1' } });
    expect(await readFile(out, 'utf8')).toBe('second');
    expect(await readFile(`${out}.previous`, 'utf8')).toBe('first');
    expect(await readFile(path.join(dir, 'published/subgraphs/users.graphql'), 'utf8')).toBe('users v2');
    expect(await readFile(path.join(dir, 'published/subgraphs/notes.graphql'), 'utf8')).toBe('notes v1');
    // No temporary files are left next to the file the router watches.
    expect((await readdir(path.join(dir, 'published'))).sort()).toEqual(['subgraphs', 'supergraph.graphql', 'supergraph.graphql.previous']);
  });
});
