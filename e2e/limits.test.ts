import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, graphql, type GraphQLResponse } from '../test/kit/graphql.ts';
import { startStack, type TestStack } from '../test/kit/stack.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

/** users -> notes -> author -> notes -> ...: a valid query exactly `depth` fields deep. */
function deepQuery(depth: number): string {
  const cycle = ['notes(first: 1)', 'edges', 'node', 'author'];
  const path = ['users(first: 1)', 'edges', 'node'];
  while (path.length < depth - 1) path.push(cycle[(path.length - 3) % cycle.length]!);
  // The innermost field must be a leaf: end on an object, then select its id.
  while (['edges', 'notes(first: 1)'].includes(path.at(-1)!)) path.pop();
  return `{ ${path.join(' { ')} { id }${' }'.repeat(path.length - 1)} }`;
}

describe('router limits', () => {
  it('rejects a depth-20 query', async () => {
    const response = await graphql(stack.router.url, deepQuery(20));
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(response.errors!.map((error) => error.message)).toContainEqual(expect.stringMatching(/depth limit of 12 exceeded/i));
  });

  it('accepts the same shape within the depth limit', async () => {
    const response = await graphql(stack.router.url, deepQuery(10));
    expect(response.errors).toBeUndefined();
  });

  it('rejects a query with 100 aliases', async () => {
    const query = `{ ${Array.from({ length: 100 }, (_, i) => `u${i}: users(first: 1) { totalCount }`).join(' ')} }`;
    const response = await graphql(stack.router.url, query);
    expect(errorCode(response)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(response.errors![0]!.message).toMatch(/aliases/i);
  });

  it('rejects a query over the cost limit', async () => {
    const query = '{ users(first: 100) { edges { node { notes(first: 100) { edges { node { author { notes(first: 100) { edges { node { title } } } } } } } } } } }';
    const response = await graphql(stack.router.url, query);
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('COST_ESTIMATED_TOO_EXPENSIVE');
    expect(response.errors![0]!.message).toMatch(/cost/i);
  });

  it('hides field suggestions outside development', async () => {
    const response = await graphql(stack.router.url, '{ userz { id } }');
    expect(response.errors![0]!.message).not.toMatch(/did you mean/i);
  });
});

describe('subgraph limits when called directly', () => {
  it('the notes subgraph rejects a depth-20 query on its own', async () => {
    let selection = 'id';
    for (let i = 0; i < 6; i++) selection = `notes(first: 1) { edges { node { author { id ${selection} } } } }`;
    const response = await graphql(stack.notes.url, `{ notes(first: 1) { edges { node { author { ${selection} } } } } }`);
    expect(errorCode(response)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(response.errors!.map((error) => error.message)).toContainEqual(expect.stringMatching(/depth limit of 12 exceeded/i));
  });
});

/** `depth` brackets deep, in each place a document can nest, on fields the router and the notes subgraph both serve. */
const nestedDocuments = {
  'a list literal': (depth: number) => `{ notes(first: 1, after: ${'['.repeat(depth)}"x"${']'.repeat(depth)}) { totalCount } }`,
  'an object literal': (depth: number) => `{ notes(first: 1, filter: ${'{ authorId: '.repeat(depth)}"x"${' }'.repeat(depth)}) { totalCount } }`,
  'a selection set': (depth: number) => `{ ${'notes(first: 1) { '.repeat(depth)}totalCount${' }'.repeat(depth)} }`,
};

/** A 5,000-deep array as JSON, written by hand: JSON.stringify itself runs out of stack that deep. */
const deepJsonArray = (depth: number) => `${'['.repeat(depth)}"x"${']'.repeat(depth)}`;

/** Posts a body exactly as given, for bodies JSON.stringify cannot produce. */
async function postRaw(url: string, body: string): Promise<GraphQLResponse> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: response.status, ...((await response.json()) as Omit<GraphQLResponse, 'status'>) };
}

/** A refusal that names the document's problem, not the server's. */
function expectParseFailure(response: GraphQLResponse, message: RegExp) {
  expect(response.status).toBe(400);
  expect(errorCode(response)).toBe('GRAPHQL_PARSE_FAILED');
  expect(response.errors![0]!.message).toMatch(message);
  expect(JSON.stringify(response.errors)).not.toMatch(/call stack|RangeError|stacktrace|    at /i);
}

const overTokenLimit = `{ ${Array.from({ length: 2100 }, () => '__typename').join(' ')} }`;

describe.each([
  ['the router', () => stack.router.url],
  ['the notes subgraph called directly', () => stack.notes.url],
])('document size and nesting on %s', (_name, url) => {
  it.each(Object.entries(nestedDocuments))('refuses 5,000 levels of %s with 400 GRAPHQL_PARSE_FAILED, not a stack overflow', async (_shape, document) => {
    expectParseFailure(await graphql(url(), document(5_000)), /nest/i);
  });

  it('refuses 5,000 levels of a list literal sent with GET the same way', async () => {
    // Brackets stay as they are in a URL's query: percent-encoded, 5,000 levels would not fit in the request line.
    const query = nestedDocuments['a list literal'](5_000).replaceAll(' ', '%20').replaceAll('"', '%22');
    const response = await fetch(`${url()}?query=${query}`, { headers: { 'apollo-require-preflight': 'true' } });
    expectParseFailure({ status: response.status, ...((await response.json()) as Omit<GraphQLResponse, 'status'>) }, /nest/i);
  });

  it('leaves a list literal 50 levels deep to validation', async () => {
    const response = await graphql(url(), nestedDocuments['a list literal'](50));
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses a document over the token limit with 400 GRAPHQL_PARSE_FAILED', async () => {
    expectParseFailure(await graphql(url(), overTokenLimit), /2000 tokens/);
  });

  it('refuses a 5,000-deep array in a declared variable as bad input, not a 500', async () => {
    const query = 'query($after: String) { notes(first: 1, after: $after) { totalCount } }';
    const response = await postRaw(url(), `{"query": ${JSON.stringify(query)}, "variables": {"after": ${deepJsonArray(5_000)}}}`);
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
  });

  it('refuses a 5,000-deep array in a list variable as bad input, not a 500', async () => {
    const query = 'query($tagIds: [ID!]) { notes(first: 1, filter: { tagIds: $tagIds }) { totalCount } }';
    const response = await postRaw(url(), `{"query": ${JSON.stringify(query)}, "variables": {"tagIds": ${deepJsonArray(5_000)}}}`);
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
  });

  it('ignores a 5,000-deep array in a variable the operation does not declare', async () => {
    const response = await postRaw(url(), `{"query": "{ notes(first: 1) { totalCount } }", "variables": {"unused": ${deepJsonArray(5_000)}}}`);
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
  });
});
