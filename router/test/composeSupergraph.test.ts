import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CompositionError, composeSupergraph, loadSupergraphConfig } from '../src/index.ts';

const repoConfig = path.resolve(import.meta.dirname, '../../supergraph.yaml');

async function tempFiles(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'supergraph-'));
  await Promise.all(Object.entries(files).map(([name, content]) => writeFile(path.join(dir, name), content)));
  return dir;
}

const link = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';

describe('composeSupergraph', () => {
  it('composes every subgraph in supergraph.yaml', async () => {
    const subgraphs = await loadSupergraphConfig(repoConfig);
    const { supergraphSdl } = await composeSupergraph(subgraphs);
    expect(subgraphs.length).toBeGreaterThanOrEqual(3);
    for (const { name } of subgraphs) expect(supergraphSdl).toContain(`join__graph(name: "${name}"`);
  });

  it("carries the subgraphs' @cost and @listSize into the supergraph under the cost spec", async () => {
    const { supergraphSdl } = await composeSupergraph(await loadSupergraphConfig(repoConfig));
    expect(supergraphSdl).toContain('@link(url: "https://specs.apollo.dev/cost/v0.1"');
    expect(supergraphSdl).toMatch(/users\(first: Int = 20, after: String\): UserConnection! .*@listSize\(slicingArguments: \["first"\], sizedFields: \["edges"\]\)/);
    expect(supergraphSdl).toMatch(/items: \[OrderItem!\]! .*@listSize\(assumedSize: 50\)/);
    expect(supergraphSdl).toMatch(/searchNotes\(.*\): NoteConnection! .*@cost\(weight: 10\)/);
  });

  it('reports a conflict with both subgraphs and their file locations', async () => {
    const dir = await tempFiles({
      'a.graphql': `${link}\ntype Query { a: Thing }\ntype Thing @key(fields: "id") {\n  id: ID!\n  size: Int\n}`,
      'b.graphql': `${link}\ntype Query { b: Thing }\ntype Thing @key(fields: "id") {\n  id: ID!\n  size: String\n}`,
    });
    const subgraphs = [
      { name: 'alpha', url: 'http://127.0.0.1:1/graphql', schemaFile: path.join(dir, 'a.graphql') },
      { name: 'beta', url: 'http://127.0.0.1:2/graphql', schemaFile: path.join(dir, 'b.graphql') },
    ];
    const error = await composeSupergraph(subgraphs).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CompositionError);
    const message = (error as CompositionError).message;
    expect(message).toMatch(/Thing\.size/);
    expect(message).toContain(`alpha (${path.join(dir, 'a.graphql')}:5:3)`);
    expect(message).toContain(`beta (${path.join(dir, 'b.graphql')}:5:3)`);
  });

  it('reports a syntax error with its subgraph, line and column', async () => {
    const dir = await tempFiles({ 'bad.graphql': `${link}\ntype Query {\n  a: Int\n  b: \n}` });
    const error = await composeSupergraph([{ name: 'broken', url: 'http://127.0.0.1:1/graphql', schemaFile: path.join(dir, 'bad.graphql') }]).catch(
      (caught: unknown) => caught,
    );
    expect((error as Error).message).toContain(`broken (${path.join(dir, 'bad.graphql')}:5:1)`);
  });
});

describe('loadSupergraphConfig', () => {
  it('resolves schema files relative to the config and applies routing url overrides', async () => {
    const subgraphs = await loadSupergraphConfig(repoConfig, { notes: 'http://notes.internal:4002/graphql' });
    expect(subgraphs.map((s) => s.name).slice(0, 3)).toEqual(['users', 'notes', 'orders']);
    expect(subgraphs[1]!.url).toBe('http://notes.internal:4002/graphql');
    expect(subgraphs[0]!.schemaFile).toBe(path.resolve(path.dirname(repoConfig), 'subgraphs/users/schema.graphql'));
    expect(subgraphs[0]!.eventsFile).toBe(path.resolve(path.dirname(repoConfig), 'subgraphs/users/src/events.ts'));
  });

  it('leaves eventsFile unset for a subgraph that publishes no events', async () => {
    const dir = await tempFiles({ 'supergraph.yaml': 'subgraphs:\n  users:\n    routing_url: http://127.0.0.1:1/graphql\n    schema:\n      file: ./users.graphql\n' });
    const [users] = await loadSupergraphConfig(path.join(dir, 'supergraph.yaml'));
    expect(users).not.toHaveProperty('eventsFile');
  });

  it('rejects an events entry without a file, naming the field', async () => {
    const dir = await tempFiles({ 'supergraph.yaml': 'subgraphs:\n  users:\n    routing_url: http://127.0.0.1:1/graphql\n    schema:\n      file: ./users.graphql\n    events: {}\n' });
    await expect(loadSupergraphConfig(path.join(dir, 'supergraph.yaml'))).rejects.toThrow(/subgraphs\.users\.events\.file/);
  });

  it('rejects a config without a routing url, naming the field', async () => {
    const dir = await tempFiles({ 'supergraph.yaml': 'subgraphs:\n  users:\n    schema:\n      file: ./users.graphql\n' });
    await expect(loadSupergraphConfig(path.join(dir, 'supergraph.yaml'))).rejects.toThrow(/subgraphs\.users\.routing_url/);
  });
});
