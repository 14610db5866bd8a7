import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, graphql } from '../test/kit/graphql.ts';
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
    const scalars = Array.from({ length: 80 }, () => 'title content version createdAt').join(' ');
    const query = `{ users(first: 100) { edges { node { notes(first: 100) { edges { node { author { notes(first: 100) { edges { node { ${scalars} } } } } } } } } } } }`;
    const response = await graphql(stack.router.url, query);
    expect(errorCode(response)).toBe('GRAPHQL_VALIDATION_FAILED');
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
