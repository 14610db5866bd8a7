import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CompositionError, composeSupergraph, loadSupergraphConfig } from '../src/index.ts';
import { countFieldCalls } from '../src/rateLimit/countFieldCalls.ts';
import { FieldRateLimits, RATE_LIMIT_DIRECTIVE, RATE_LIMIT_SPEC } from '../src/rateLimit/fieldRateLimits.ts';
import { apiSchemaOf } from '../src/schemaWorkflow/apiSchemaOf.ts';
import { LinkedDirectives } from '../src/supergraph/linkedDirectives.ts';

const repoConfig = path.resolve(import.meta.dirname, '../../supergraph.yaml');

/** A subgraph importing the directive as `@throttle`, with `rules` on its one mutation. */
const subgraph = (rules: string) => `
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@composeDirective"])
  @link(url: "${RATE_LIMIT_SPEC}/v0.1", import: [{ name: "@rateLimit", as: "@throttle" }])
  @composeDirective(name: "@throttle")

${RATE_LIMIT_DIRECTIVE.replace('@rateLimit', '@throttle')}

input Credentials { email: String! password: String! }
type Query { ping: String }
type Mutation { attempt(input: Credentials!): Boolean ${rules} }
`;

async function compose(sdl: string) {
  const dir = await mkdtemp(path.join(tmpdir(), 'supergraph-ratelimit-'));
  await writeFile(path.join(dir, 'auth.graphql'), sdl);
  return composeSupergraph([{ name: 'auth', url: 'http://127.0.0.1:1/graphql', schemaFile: path.join(dir, 'auth.graphql') }]);
}

const caller = { clientAddress: '203.0.113.9', userId: null };

describe('@rateLimit in the supergraph', () => {
  it("composes the users subgraph's limits on logIn and signUp into the supergraph, where the router finds them by spec identity", async () => {
    const { supergraphSdl } = await composeSupergraph(await loadSupergraphConfig(repoConfig));
    expect(supergraphSdl).toContain('@link(url: "https://specs.supergraph.dev/rateLimit/v0.1", import: ["@rateLimit"])');
    const limits = new FieldRateLimits(new LinkedDirectives(supergraphSdl));
    const mutation = apiSchemaOf(supergraphSdl).getMutationType()!;
    const rulesOf = (field: string) => limits.of(mutation, field).flat().map((rule) => ('by' in rule ? { limit: rule.limit, windowSeconds: rule.windowSeconds, by: rule.signature } : rule));
    expect(rulesOf('logIn')).toEqual([
      { limit: 10, windowSeconds: 900, by: 'input.email' },
      { limit: 50, windowSeconds: 900, by: 'ip' },
    ]);
    expect(rulesOf('signUp')).toEqual([
      { limit: 5, windowSeconds: 3600, by: 'input.email' },
      { limit: 10, windowSeconds: 3600, by: 'ip' },
    ]);
    expect(limits.of(mutation, 'createNote')).toEqual([]);
  });

  it('reads the directive under the name a subgraph imports it as', async () => {
    const { supergraphSdl } = await compose(subgraph('@throttle(limit: 3, window: 60, by: ["input.email", "ip"])'));
    const limits = new FieldRateLimits(new LinkedDirectives(supergraphSdl), 2);
    expect(limits.of(apiSchemaOf(supergraphSdl).getMutationType()!, 'attempt')).toEqual([
      [expect.objectContaining({ coordinate: 'Mutation.attempt', limit: 6, windowSeconds: 60, signature: 'input.email,ip' })],
    ]);
  });

  it.each([
    ['a by path naming no argument', '@throttle(limit: 3, window: 60, by: ["input.mail"])', /@rateLimit on Mutation\.attempt: by "input\.mail": Credentials has no field "mail"/],
    ['an unknown key', '@throttle(limit: 3, window: 60, by: ["session"])', /attempt has no argument "session"/],
    ['a zero limit', '@throttle(limit: 0, window: 60, by: ["ip"])', /limit must be at least 1/],
    ['no keys', '@throttle(limit: 3, window: 60, by: [])', /by must name at least one key/],
  ])('refuses to compose %s, so no router serves a limit it cannot enforce', async (_case, rule, message) => {
    const error = await compose(subgraph(rule)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CompositionError);
    expect((error as Error).message).toMatch(message);
  });
});

describe('counting the calls of a limited field in an operation', () => {
  const setUp = async () => {
    const { supergraphSdl } = await compose(subgraph('@throttle(limit: 3, window: 60, by: ["input.email"]) @throttle(limit: 5, window: 60, by: ["ip"])'));
    const limits = new FieldRateLimits(new LinkedDirectives(supergraphSdl));
    const apiSchema = apiSchemaOf(supergraphSdl);
    return (query: string, variables: Record<string, unknown> = {}) => {
      const { calls } = countFieldCalls(limits, apiSchema, parse(query), null, variables, caller);
      return calls.map(({ rule, points, key }) => ({ by: rule.signature, points, key }));
    };
  };

  it('counts every alias, with the e-mail from literals and variables compared trimmed and lower-cased', async () => {
    const count = await setUp();
    const calls = count(
      'mutation($c: Credentials!) { a: attempt(input: $c) b: attempt(input: { email: "Alice@Example.com", password: "x" }) c: attempt(input: { email: "bob@example.com", password: "x" }) }',
      { c: { email: '  alice@example.com ', password: 'y' } },
    );
    expect(calls.map(({ by, points }) => ({ by, points }))).toEqual([
      { by: 'input.email', points: 2 },
      { by: 'ip', points: 3 },
      { by: 'input.email', points: 1 },
    ]);
    // Argument values are hashed before they name a counter.
    expect(calls.map(({ key }) => key).join(' ')).not.toMatch(/alice|bob|203\.0\.113/);
  });

  it('counts fields in named and inline fragments, and leaves out those @skip or @include drop', async () => {
    const count = await setUp();
    const calls = count(
      `mutation($no: Boolean!) {
        ...Try
        ... on Mutation { b: attempt(input: { email: "a@example.com", password: "x" }) }
        c: attempt(input: { email: "a@example.com", password: "x" }) @include(if: $no)
        ... @skip(if: true) { d: attempt(input: { email: "a@example.com", password: "x" }) }
      }
      fragment Try on Mutation { a: attempt(input: { email: "a@example.com", password: "x" }) }`,
      { no: false },
    );
    expect(calls.map(({ by, points }) => ({ by, points }))).toEqual([
      { by: 'input.email', points: 2 },
      { by: 'ip', points: 2 },
    ]);
  });

  it('counts nothing for an operation whose variables do not coerce: the gateway refuses it before anything runs', async () => {
    const count = await setUp();
    expect(count('mutation($c: Credentials!) { attempt(input: $c) }', { c: { email: 42 } })).toEqual([]);
  });
});
