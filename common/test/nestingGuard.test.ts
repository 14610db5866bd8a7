import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { findExcessiveNesting } from '../src/nestingGuard.ts';

const limits = { maxTokens: 2000, maxNesting: 10 };
const nestedList = (depth: number) => `{ a(b: ${'['.repeat(depth)}1${']'.repeat(depth)}) }`;

describe('findExcessiveNesting', () => {
  it('accepts brackets nested exactly to the limit', () => {
    // The operation's braces and the argument's parentheses count too.
    expect(findExcessiveNesting(nestedList(8), limits)).toBeNull();
  });

  it('refuses one level more with a parse failure pointing at the bracket', () => {
    const error = findExcessiveNesting(nestedList(9), limits);
    expect(error!.message).toBe('Syntax Error: Document nests deeper than 10 levels.');
    expect(error!.extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED' });
    expect(error!.locations).toEqual([{ line: 1, column: 16 }]);
  });

  it.each([
    ['lists', nestedList(100_000)],
    ['input objects', `{ a(b: ${'{ c: '.repeat(100_000)}1${' }'.repeat(100_000)}) }`],
    ['selection sets', `${'{ a '.repeat(100_000)}${'}'.repeat(100_000)}`],
  ])('refuses 100,000 nested %s, which the parser itself cannot survive', (_shape, document) => {
    expect(() => parse(document)).toThrow(RangeError);
    expect(findExcessiveNesting(document, limits)!.extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('counts nesting, not brackets: siblings do not add up', () => {
    expect(findExcessiveNesting(`{ ${Array.from({ length: 50 }, (_, i) => `f${i}(x: [[1]]) { id }`).join(' ')} }`, limits)).toBeNull();
  });

  it('ignores brackets in strings and comments', () => {
    expect(findExcessiveNesting(`{ a(b: "${'['.repeat(50)}") # ${'{'.repeat(50)}\n }`, limits)).toBeNull();
  });

  it('stops reading after the token limit, where the parser stops too', () => {
    expect(findExcessiveNesting(`{ ${'a '.repeat(20)}${nestedList(50)} }`, { maxTokens: 20, maxNesting: 10 })).toBeNull();
  });

  it('leaves a document that does not lex to the parser', () => {
    expect(findExcessiveNesting(`{ a ~ ${'['.repeat(50)}`, limits)).toBeNull();
  });
});
