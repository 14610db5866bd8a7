import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '@supergraph/demo';
import { errorCode, graphql } from '../test/kit/graphql.ts';
import { startStack, type TestStack } from '../test/kit/stack.ts';

const exampleQuery = readFileSync(new URL('../docs/example-query.graphql', import.meta.url), 'utf8');
const LOG_IN = 'mutation($input: LogInInput!) { logIn(input: $input) { token user { id } } }';

let stack: TestStack;
let token: string;

beforeAll(async () => {
  stack = await startStack({ seed: true });
  const login = await graphql(stack.router.url, LOG_IN, { input: { email: 'alice@example.com', password: DEMO_PASSWORD } });
  token = login.data!.logIn.token;
});
afterAll(() => stack?.stop());

describe('one endpoint over three subgraphs', () => {
  it("answers the README's example query with the user's notes and orders", async () => {
    const response = await graphql(stack.router.url, exampleQuery, {}, { token });
    expect(response.errors).toBeUndefined();
    const me = response.data!.me;
    expect(me.email).toBe('alice@example.com');
    expect(me.noteCount).toBeGreaterThan(0);
    expect(me.notes.edges.length).toBeGreaterThan(0);
    expect(me.orders.edges.length).toBeGreaterThan(0);
    expect(me.orders.edges[0].node.items[0].product.name).toEqual(expect.any(String));
  });

  it('resolves a note author owned by users from a note owned by notes', async () => {
    const response = await graphql(stack.router.url, '{ notes(first: 5) { edges { node { title author { name } } } } }');
    expect(response.errors).toBeUndefined();
    for (const edge of response.data!.notes.edges) expect(edge.node.author.name).toEqual(expect.any(String));
  });

  it('forwards the caller identity so a subgraph can authorize', async () => {
    const create = await graphql(
      stack.router.url,
      'mutation { createNote(input: { title: "Through the router", content: "hello" }) { id author { email } } }',
      {},
      { token },
    );
    expect(create.errors).toBeUndefined();
    expect(create.data!.createNote.author.email).toBe('alice@example.com');
  });

  it('keeps the subgraph error code and field when input is bad, and writes nothing', async () => {
    const before = await stack.notes.db.note.count();
    const response = await graphql(stack.router.url, 'mutation { createNote(input: { title: "", content: "x" }) { id } }', {}, { token });
    expect(response.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.title' });
    expect(await stack.notes.db.note.count()).toBe(before);
  });

  it('rejects a malformed JWT at the router with 401 and UNAUTHENTICATED', async () => {
    const response = await graphql(stack.router.url, '{ me { id } }', {}, { token: 'not-a-jwt' });
    expect(response.status).toBe(401);
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
  });

  it('rejects first over the maximum with BAD_USER_INPUT naming the argument', async () => {
    const response = await graphql(stack.router.url, '{ users(first: 1000) { totalCount } }');
    expect(response.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('answers malformed JSON with 400 and a GraphQL-shaped error', async () => {
    const response = await fetch(stack.router.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it("echoes the caller's request id", async () => {
    const response = await fetch(stack.router.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-me-123' },
      body: JSON.stringify({ query: '{ users(first: 1) { totalCount } }' }),
    });
    expect(response.headers.get('x-request-id')).toBe('trace-me-123');
  });

  it('reports healthy', async () => {
    const response = await fetch(stack.router.url.replace('/graphql', '/health'));
    expect(await response.json()).toMatchObject({ status: 'ok', service: 'router' });
  });
});
