import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '@supergraph/demo';
import { graphql } from '../test/kit/graphql.ts';
import { startStack, type TestStack } from '../test/kit/stack.ts';
import { newSigningSecret, TEST_JWT, tokenFor } from '../test/kit/tokens.ts';

let stack: TestStack;
const [alice] = demoUsers;

beforeAll(async () => {
  stack = await startStack({ seed: true, env: { NODE_ENV: 'production', JWT_SECRET: TEST_JWT.JWT_SECRET, SUBGRAPH_SIGNING_SECRETS: newSigningSecret() } });
});
afterAll(() => stack?.stop());

describe('a subgraph that is down', () => {
  it('leaves the rest of the answer standing, with a coded error at each of its fields and no internal detail', async () => {
    const query = await readFile(new URL('../docs/example-query.graphql', import.meta.url), 'utf8');
    const token = await tokenFor(alice.id);
    await stack.orders.stop();

    const answer = await graphql(stack.router.url, query, {}, { token });

    expect(answer.status).toBe(200);
    expect(answer.data?.me).toMatchObject({ name: alice.name, noteCount: expect.any(Number), notes: { edges: expect.any(Array) }, orders: null });
    // Which subgraph failed is named (as the gateway names it for any subgraph error); where it lives, or how the router tried, is not.
    expect(answer.errors).toEqual([
      { message: 'A service this field needs did not answer; retry the request.', path: ['me', 'orders'], extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'orders' } },
    ]);
  });

  it('names the field of every entity it was to resolve', async () => {
    const token = await tokenFor(alice.id);
    await stack.users.stop();

    const answer = await graphql(stack.router.url, '{ notes(first: 2) { edges { node { title author { name } } } } }', {}, { token });

    // author and name are non-null: the missing names null the answer up to its root, as GraphQL requires.
    expect(answer.data).toBeNull();
    expect(answer.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([
      [['notes', 'edges', 0, 'node', 'author', 'name'], 'SERVICE_UNAVAILABLE'],
      [['notes', 'edges', 1, 'node', 'author', 'name'], 'SERVICE_UNAVAILABLE'],
    ]);
  });
});
