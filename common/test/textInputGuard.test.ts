import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { findMalformedText } from '../src/textInputGuard.ts';

const schema = buildSchema(`
  scalar DateTime
  input LineInput { productId: ID!, note: String }
  input OrderInput { lines: [LineInput!]!, at: DateTime }
  type Query { search(query: String!, tags: [String!], mode: String! = "plain"): Int, ping: Int }
  type Mutation { placeOrder(input: OrderInput!, key: String = "default"): Int }
`);

/** The check on a document that passed validation, as it does in the server. */
function check(document: string, variables?: Record<string, unknown>, operationName?: string) {
  const ast = parse(document);
  expect(validate(schema, ast)).toEqual([]);
  return findMalformedText(schema, ast, operationName, variables);
}

const fieldOf = (error: ReturnType<typeof findMalformedText>) => error?.extensions;

describe('findMalformedText', () => {
  it('finds nothing in well-formed text, surrogate pairs included', () => {
    expect(check('{ search(query: "plain", tags: ["a", "\\uD83D\\uDE00"]) }')).toBeNull();
    expect(check('query($q: String!) { search(query: $q) }', { q: 'emoji \u{1F600}' })).toBeNull();
  });

  it('names a top-level argument holding NUL in a literal', () => {
    const error = check('{ search(query: "a\\u0000b") }');
    expect(fieldOf(error)).toEqual({ code: 'BAD_USER_INPUT', field: 'query' });
    expect(error!.message).toBe('query must not contain NUL characters or unpaired surrogates.');
  });

  it('names the list position of a bad string sent as a variable', () => {
    expect(fieldOf(check('query($t: [String!]) { search(query: "ok", tags: $t) }', { t: ['fine', 'x\u0000'] }))).toMatchObject({ field: 'tags.1' });
  });

  it.each([
    ['a lone high surrogate', '\ud800'],
    ['a lone low surrogate', '\udfff'],
    ['a high surrogate before a plain character', '\ud83dA'],
    ['a low surrogate before a high one', '\ude00\ud83d'],
  ])('names %s deep inside an input object in a list', (_case, text) => {
    const document = 'mutation($input: OrderInput!) { placeOrder(input: $input) }';
    const input = { lines: [{ productId: 'p1' }, { productId: 'p2', note: `x${text}` }] };
    expect(fieldOf(check(document, { input }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.lines.1.note' });
  });

  it('finds a literal nested inside an input object literal that also uses variables', () => {
    const document = 'mutation($id: ID!) { placeOrder(input: { lines: [{ productId: $id }, { productId: "\\u0000" }] }) }';
    expect(fieldOf(check(document, { id: 'p1' }))).toMatchObject({ field: 'input.lines.1.productId' });
  });

  it('finds arguments inside fragments and inline fragments', () => {
    expect(fieldOf(check('{ ...F } fragment F on Query { ... on Query { search(query: "\\u0000") } }'))).toMatchObject({ field: 'query' });
  });

  it('checks only the operation that runs', () => {
    const document = 'query Bad { search(query: "\\u0000") } query Good { ping }';
    expect(check(document, {}, 'Good')).toBeNull();
    expect(fieldOf(check(document, {}, 'Bad'))).toMatchObject({ field: 'query' });
  });

  it('ignores variables the operation does not declare', () => {
    expect(check('{ ping }', { stray: '\u0000' })).toBeNull();
  });

  it('leaves variables that do not coerce to execution', () => {
    expect(check('query($q: String!) { search(query: $q) }', { q: ['\u0000'] })).toBeNull();
  });

  it('leaves a field to execution when only execution can compute its arguments, as it fails there before running', () => {
    expect(check('query($m: String) { search(query: "\\u0000", mode: $m) }', { m: null })).toBeNull();
  });

  it('finds nothing in an input with empty lists and custom scalars', () => {
    expect(check('mutation { placeOrder(input: { lines: [], at: "2026-01-01T00:00:00Z" }) }')).toBeNull();
  });
});
