import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { estimateCost, SlicingArgumentError } from '../src/demandControl/index.ts';
import { BOOKSHOP, supergraphOf } from './costFixtures.ts';

const shop = supergraphOf(BOOKSHOP);
const DEFAULT_LIST_SIZE = 50;

const estimate = (query: string, variables: Record<string, unknown> = {}, operationName?: string) =>
  estimateCost(shop, { document: parse(query), variables, operationName }, { defaultListSize: DEFAULT_LIST_SIZE });

describe('estimateCost', () => {
  it("counts 1 per object and nothing for scalars, after a query's base cost of 0", () => {
    // book (1) + author (1)
    expect(estimate('{ book(id: "1") { title author { name } } }')).toBe(2);
  });

  it("uses a type's @cost instead of its default weight, for objects and enums alike", () => {
    // book (1) + publisher (@cost 5) + rating (enum @cost 2)
    expect(estimate('{ book(id: "1") { publisher { name } rating } }')).toBe(8);
  });

  it("uses a field's @cost instead of its type's weight, and adds what the given arguments cost", () => {
    // text (@cost 3) + 10 assumed books x search's @cost 20
    expect(estimate('{ search(text: "x") { id } }')).toBe(203);
    // ... + filter: an input object (1) + two tags (@cost 1 each) + since (0)
    expect(estimate('{ search(text: "x", filter: { tags: ["a", "b"], since: 2 }) { id } }')).toBe(206);
    // The same values through variables cost the same.
    expect(estimate('query($f: Filter) { search(text: "x", filter: $f) { id } }', { f: { tags: ['a', 'b'], since: 2 } })).toBe(206);
  });

  it('multiplies a list field by its slicing argument, given as a literal or through a variable', () => {
    expect(estimate('{ reviews(first: 4) { stars } }')).toBe(4);
    expect(estimate('query($n: Int) { reviews(first: $n) { stars } }', { n: 9 })).toBe(9);
    expect(estimate('query($n: Int = 6) { reviews(first: $n) { stars } }')).toBe(6);
  });

  it("falls back to the argument's default, then assumedSize, then the default list size", () => {
    // books (1) + 10 edges (the default of `first`) x (edge 1 + book 1)
    expect(estimate('{ books { edges { node { id } } } }')).toBe(21);
    expect(estimate('{ books(first: null) { edges { node { id } } } }')).toBe(21);
    expect(estimate('query($n: Int) { latestReviews(first: $n) { stars } }')).toBe(3);
    expect(estimate('{ bestsellers { id } }')).toBe(5);
    expect(estimate('{ shelves { label } }')).toBe(DEFAULT_LIST_SIZE);
  });

  it('takes the largest of several slicing arguments', () => {
    expect(estimate('{ latestReviews(first: 2, last: 5) { stars } }')).toBe(5);
  });

  it('gives a connection\'s size to its sizedFields rather than to the connection itself', () => {
    // books (1, once) + 3 edges x (edge 1 + book 1); totalCount is a scalar
    expect(estimate('{ books(first: 3) { totalCount edges { node { title } } } }')).toBe(7);
  });

  it('refuses a field that requires exactly one slicing argument when the operation gives none or two', () => {
    expect(() => estimate('{ reviews { stars } }')).toThrow(SlicingArgumentError);
    expect(() => estimate('{ reviews(first: 1, last: 1) { stars } }')).toThrow('reviews takes exactly one of its slicing arguments (first, last); this operation gives 2.');
  });

  it('costs a field of an interface type as its dearest possible type, each with the fragments that apply to it', () => {
    // 2 assumed media x max(film: 1 + 4 reels, podcast: 1 + host 1)
    expect(estimate('{ media { id ... on Film { reels { length } } ... on Podcast { host { name } } } }')).toBe(10);
    expect(estimate('{ media { id ...Hosted } } fragment Hosted on Podcast { host { name } }')).toBe(4);
  });

  it('counts a field asked twice, directly and through fragments, once', () => {
    // book (1) + author (1) + publisher (5)
    expect(estimate('{ book(id: "1") { ...B author { name } ... on Book { author { name } } } } fragment B on Book { author { name } publisher { name } }')).toBe(7);
  });

  it('leaves out what @skip and @include leave out, from literals or variables, and keeps it when the variable is unknown', () => {
    const query = 'query($with: Boolean!) { book(id: "1") { author @include(if: $with) { name } publisher @skip(if: true) { name } title } }';
    expect(estimate(query, { with: false })).toBe(1);
    expect(estimate(query, { with: true })).toBe(2);
    expect(estimate(query)).toBe(2);
  });

  it('starts a mutation at 10 and counts its input objects', () => {
    // base 10 + input (1) + addBook (@cost 7)
    expect(estimate('mutation { addBook(input: { title: "t" }) { id } }')).toBe(18);
  });

  it('costs the operation the request names', () => {
    const document = 'query Cheap { book(id: "1") { id } } query Dear { bestsellers { author { name } } }';
    expect(estimate(document, {}, 'Cheap')).toBe(1);
    expect(estimate(document, {}, 'Dear')).toBe(10);
    expect(() => estimate(document)).toThrow(TypeError);
  });

  it('costs nothing for __typename and introspection, which the router answers itself', () => {
    expect(estimate('{ __typename __schema { types { name } } book(id: "1") { __typename } }')).toBe(1);
  });

  it('reads @cost and @listSize under the names a subgraph imported them as', () => {
    const renamed = supergraphOf(
      'type Query { books(first: Int = 10): [Book!]! @size(slicingArguments: ["first"]) } type Book @weight(weight: 3) { id: ID! }',
      'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: [{ name: "@cost", as: "@weight" }, { name: "@listSize", as: "@size" }])',
    );
    expect(estimateCost(renamed, { document: parse('{ books(first: 4) { id } }') }, { defaultListSize: DEFAULT_LIST_SIZE })).toBe(12);
  });
});
