import { buildSchema, operationFromDocument, type FieldSelection, type Operation } from '@apollo/federation-internals';
import { GraphQLError, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { executesOwnPlans } from '../src/execution/useOwnExecution.ts';
import { gatewayComputeResponse } from '../src/execution/gatewayInternals.ts';
import { shapeResponse } from '../src/execution/shapeResponse.ts';
import { graphql } from '../../test/kit/graphql.ts';
import { startRouterOverSubgraph } from './fixtures/routerOverSubgraph.ts';

// Our result shaping must give what @apollo/gateway's gives, errors and
// their paths included, so every case below runs through both. The cases
// are one valid answer and every way a subgraph can get it wrong: each
// value in turn replaced by null, dropped, or given the wrong kind.
const schema = buildSchema(`
  type Query {
    me: User
    user(id: ID!): User!
    search: [SearchResult!]!
    nodes: [Node]
    matrix: [[Int!]]!
    status: Status
    json: JSON
    count: Int!
  }
  scalar JSON
  enum Status { OPEN CLOSED }
  interface Node { id: ID! }
  type User implements Node { id: ID! name: String! friends: [User!] status: Status score: Float tags: [String]! }
  type Post implements Node { id: ID! title: String author: User! }
  union SearchResult = User | Post
`);

const query = `
  query Shaped($withName: Boolean!, $skipFriends: Boolean = false) {
    me { ...UserFields friends @skip(if: $skipFriends) { id ...UserFields } }
    me2: me @include(if: false) { id }
    alias: user(id: "1") { id name @include(if: $withName) kind: __typename }
    search { __typename ... on User { id name } ... on Post { title author { id name } } ... on Node { id } }
    nodes { id ... on Post { title } t: __typename }
    matrix
    status
    json
    count
    me { name }
    ... @include(if: $withName) { count again: count }
  }
  fragment UserFields on User { id name status score tags }
`;

const user = (id: string) => ({ __typename: 'User', id, name: `user ${id}`, status: 'OPEN', score: 1.5, tags: ['a', null] });
const answer = {
  me: { ...user('1'), friends: [user('2'), user('3')] },
  alias: { id: '1', name: 'user 1', kind: 'User' },
  search: [user('4'), { __typename: 'Post', id: '5', title: 'Hello', author: user('6') }],
  nodes: [{ __typename: 'Post', id: '7', title: 'T', t: 'Post' }, null, { __typename: 'User', id: 8, t: 'User' }],
  matrix: [[1, 2], null, [3]],
  status: 'CLOSED',
  json: { any: ['thing'] },
  count: 3,
  again: 3,
};

/** Wrong values a subgraph could send in place of a right one. */
const wrongValues: unknown[] = [null, 'text', 1.5, 7, 1e21, true, {}, [], { __typename: 'Unknown' }, { __typename: 'Post' }, { __typename: 3 }, { __typename: true }, { __typename: '' }, 'OPEN'];

type Json = Record<string, unknown> | unknown[];

/** The answer with the value at `path` replaced (`undefined` drops it). */
function withValueAt(value: Json, path: (string | number)[], replacement: unknown): Json {
  const copy = structuredClone(value) as Json;
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (replacement === undefined && !Array.isArray(parent)) delete parent[last];
  else parent[last] = replacement;
  return copy;
}

function* pathsOf(value: unknown, path: (string | number)[] = []): Generator<(string | number)[]> {
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value)) {
    const childPath = [...path, Array.isArray(value) ? Number(key) : key];
    yield childPath;
    yield* pathsOf(child, childPath);
  }
}

const introspectionHandling = (selection: FieldSelection) => ({ introspected: selection.element.responseName() });

/** What a shaping gives, in a form two of them compare by: data with its key order, errors, or what it threw. */
function outcome(shape: typeof shapeResponse, operation: Operation, variables: Record<string, unknown>, input: Json) {
  try {
    const { data, errors } = shape({ operation, variables, input: input as Record<string, unknown>, introspectionHandling });
    return {
      data: JSON.stringify(data),
      errors: errors.map((error: GraphQLError) => ({ message: error.message, path: error.path, code: error.extensions.code })),
    };
  } catch (error) {
    return { threw: (error as Error).message };
  }
}

function expectSameAsGateway(source: string, variables: Record<string, unknown>, input: Json) {
  const operation = operationFromDocument(schema, parse(source), { validate: false });
  const ours = outcome(shapeResponse, operation, variables, input);
  expect(ours).toEqual(outcome(gatewayComputeResponse, operation, variables, input));
  return ours;
}

describe('result shaping', () => {
  it('keeps what the operation asked for, in its order and under its aliases', () => {
    const ours = expectSameAsGateway(query, { withName: true }, answer);
    expect(JSON.parse(ours.data!)).toEqual({
      me: { id: '1', name: 'user 1', status: 'OPEN', score: 1.5, tags: ['a', null], friends: [
        { id: '2', name: 'user 2', status: 'OPEN', score: 1.5, tags: ['a', null] },
        { id: '3', name: 'user 3', status: 'OPEN', score: 1.5, tags: ['a', null] },
      ] },
      alias: { id: '1', name: 'user 1', kind: 'User' },
      search: [{ __typename: 'User', id: '4', name: 'user 4' }, { __typename: 'Post', title: 'Hello', author: { id: '6', name: 'user 6' }, id: '5' }],
      nodes: [{ id: '7', title: 'T', t: 'Post' }, null, { id: 8, t: 'User' }],
      matrix: [[1, 2], null, [3]],
      status: 'CLOSED',
      json: { any: ['thing'] },
      count: 3,
      again: 3,
    });
    expect(ours.errors).toEqual([]);
  });

  it('gives the gateway’s data, errors and paths for every wrong value a subgraph can send', () => {
    let cases = 0;
    let withErrors = 0;
    for (const path of pathsOf(answer)) {
      for (const wrong of [undefined, ...wrongValues]) {
        const ours = expectSameAsGateway(query, { withName: true }, withValueAt(answer, path, wrong));
        cases++;
        if (ours.errors?.length || ours.threw) withErrors++;
      }
    }
    // The cases really exercise the error paths: most wrong values are errors.
    expect(cases).toBeGreaterThan(1000);
    expect(withErrors).toBeGreaterThan(cases / 3);
  });

  it('applies @skip and @include from variables and literals, as the gateway does', () => {
    for (const variables of [{ withName: true }, { withName: false }, { withName: true, skipFriends: true }, {}, { withName: 'yes' }]) {
      expectSameAsGateway(query, variables, answer);
    }
    expect(expectSameAsGateway(query, {}, answer).threw).toMatch(/Unexpected value undefined for variable \$withName/);
  });

  it('nulls the nearest nullable parent of a missing non-null value, with one error at its path', () => {
    const ours = expectSameAsGateway(query, { withName: true }, withValueAt(answer, ['me', 'friends', 1, 'name'], null));
    expect(JSON.parse(ours.data!).me.friends).toBeNull();
    expect(ours.errors).toEqual([{ message: 'Cannot return null for non-nullable field User.name.', path: ['me', 'friends', 1, 'name'], code: 'INVALID_GRAPHQL' }]);
  });

  it('answers response names an object prototype has (constructor, __proto__) as any other', () => {
    const query = '{ constructor: count __proto__: count toString: status }';
    const ours = expectSameAsGateway(query, {}, JSON.parse('{"constructor":1,"__proto__":2,"toString":"OPEN"}'));
    expect(ours.data).toBe('{"constructor":1,"__proto__":2,"toString":"OPEN"}');
    expect(expectSameAsGateway(query, {}, JSON.parse('{"__proto__":2,"toString":"OPEN"}')).data).toBe('null');
  });

  it('hands introspection fields to the gateway’s introspection', () => {
    const ours = expectSameAsGateway('{ __schema { queryType { name } } count }', {}, { count: 1 });
    expect(JSON.parse(ours.data!)).toEqual({ __schema: { introspected: '__schema' }, count: 1 });
  });
});

describe('the router', () => {
  it('shapes answers with its own result shaping', async () => {
    const sdl = `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
      type Query { shelf: [Item] }
      type Item @key(fields: "id") { id: ID! name: String! }
    `;
    const running = await startRouterOverSubgraph(sdl, {
      Query: { shelf: () => [{ id: '1', name: 'one' }, null] },
    });
    try {
      expect(executesOwnPlans()).toBe(true);
      const answer = await graphql(running.router.url, '{ shelf { key: id ...on Item { name } } }');
      expect(answer.data).toEqual({ shelf: [{ key: '1', name: 'one' }, null] });
      expect(answer.errors).toBeUndefined();
    } finally {
      await running.stop();
    }
  });
});
