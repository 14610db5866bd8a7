import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '@supergraph/demo';
import { graphql, type GraphQLResponse } from '../test/kit/graphql.ts';
import { startStack, type TestStack } from '../test/kit/stack.ts';
import { tokenFor } from '../test/kit/tokens.ts';

const CREATE_NOTE = 'mutation($input: CreateNoteInput!) { createNote(input: $input) { id content } }';
const SEARCH_NOTES = 'query($query: String!) { searchNotes(query: $query) { totalCount } }';

let stack: TestStack;
let token: string;

beforeAll(async () => {
  stack = await startStack();
  token = await tokenFor(demoUsers[0].id);
});
afterAll(() => stack?.stop());

/** Refused before anything runs: 400, BAD_USER_INPUT, the offending argument named. */
function expectRefused(response: GraphQLResponse, field: string) {
  expect(response.status).toBe(400);
  expect(response.data ?? null).toBeNull();
  expect(response.errors).toHaveLength(1);
  expect(response.errors![0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', field });
  expect(response.errors![0]!.message).toMatch(new RegExp(`^${field.replaceAll('.', '\\.')} `));
}

describe.each([
  ['the router', () => stack.router.url],
  ['the notes subgraph called directly', () => stack.notes.url],
])('text that PostgreSQL cannot store, sent to %s', (_name, url) => {
  it('refuses NUL in a createNote.content literal with BAD_USER_INPUT on input.content and writes nothing', async () => {
    const before = await stack.notes.db.note.count();
    const response = await graphql(url(), 'mutation { createNote(input: { title: "t", content: "a\\u0000b" }) { id } }', {}, { token });
    expectRefused(response, 'input.content');
    expect(await stack.notes.db.note.count()).toBe(before);
  });

  it('refuses NUL in createNote.content sent as a variable with BAD_USER_INPUT on input.content and writes nothing', async () => {
    const before = await stack.notes.db.note.count();
    const response = await graphql(url(), CREATE_NOTE, { input: { title: 't', content: 'a\u0000b' } }, { token });
    expectRefused(response, 'input.content');
    expect(await stack.notes.db.note.count()).toBe(before);
  });

  it.each([
    ['an unpaired high surrogate', 'a\ud800b'],
    ['an unpaired low surrogate', 'a\udc00b'],
    ['a high surrogate at the end', 'ab\udbff'],
  ])('refuses %s in createNote.content instead of storing U+FFFD, and writes nothing', async (_case, content) => {
    const before = await stack.notes.db.note.count();
    const response = await graphql(url(), CREATE_NOTE, { input: { title: 't', content } }, { token });
    expectRefused(response, 'input.content');
    expect(await stack.notes.db.note.count()).toBe(before);
  });

  it('refuses NUL in searchNotes(query) with BAD_USER_INPUT on query', async () => {
    expectRefused(await graphql(url(), SEARCH_NOTES, { query: 'a\u0000' }), 'query');
  });

  it('refuses NUL in a searchNotes(query) literal inside a fragment', async () => {
    const response = await graphql(url(), '{ ...Search } fragment Search on Query { searchNotes(query: "\\u0000") { totalCount } }');
    expectRefused(response, 'query');
  });

  it('names the list position of a bad string inside an input object', async () => {
    const query = 'query($tagIds: [ID!]) { notes(filter: { tagIds: $tagIds }) { totalCount } }';
    const response = await graphql(url(), query, { tagIds: ['00000000-0000-4000-8000-000000000001', 'x\u0000'] });
    expectRefused(response, 'filter.tagIds.1');
  });

  it('stores text with characters outside the Basic Multilingual Plane unchanged', async () => {
    const content = 'emoji \u{1F600} and CJK \u{20000}';
    const response = await graphql(url(), CREATE_NOTE, { input: { title: 't', content } }, { token });
    expect(response.errors).toBeUndefined();
    expect(response.data!.createNote.content).toBe(content);
  });
});

describe('text that PostgreSQL cannot store, in another subgraph', () => {
  it('names input.items.0.productId when an order line carries NUL, through the router and directly', async () => {
    const query = 'mutation($input: PlaceOrderInput!) { placeOrder(input: $input, idempotencyKey: "k") { id } }';
    const input = { items: [{ productId: 'p\u0000', quantity: 1 }] };
    for (const url of [stack.router.url, stack.orders.url]) {
      expectRefused(await graphql(url, query, { input }, { token }), 'input.items.0.productId');
    }
  });
});

describe('values nested too deep for recursive code', () => {
  /** A body built by hand: JSON.stringify itself cannot nest this deep. */
  const deepBody = (query: string, variable: string, depth: number) =>
    `{"query":${JSON.stringify(query)},"variables":{"${variable}":${'['.repeat(depth)}"2026-01-01T00:00:00Z"${']'.repeat(depth)}}}`;

  it.each([
    ['a custom scalar variable, through the router', () => stack.router.url, 'query($d: DateTime) { notes(filter: { createdAfter: $d }) { totalCount } }', 'd', 'filter.createdAfter'],
    ['a federation _Any representation, at a subgraph', () => stack.notes.url, 'query($r: [_Any!]!) { _entities(representations: $r) { __typename } }', 'r', 'representations'],
  ])('refuses %s 5,000 levels deep with 400 BAD_USER_INPUT, not a stack overflow', async (_name, url, query, variable, field) => {
    const response = await fetch(url(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: deepBody(query, variable, 5_000) });
    const body = (await response.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(response.status).toBe(400);
    expect(body.errors[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: expect.stringMatching(new RegExp(`^${field}`)) });
    expect(body.errors[0]!.message).toMatch(/nests deeper than 100 levels/);
  });
});
