import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { actualCost, estimateCost } from '../src/demandControl/index.ts';
import { BOOKSHOP, supergraphOf } from './costFixtures.ts';

const shop = supergraphOf(BOOKSHOP);

const actual = (query: string, data: Record<string, unknown> | null) => actualCost(shop, { document: parse(query) }, data);

const book = (title: string) => ({ title, author: { name: 'Ann' } });

describe('actualCost', () => {
  it('counts the list items that came back, with the weights of the estimate', () => {
    const query = '{ books(first: 10) { edges { node { title author { name } } } } }';
    // books (1) + 2 edges x (edge 1 + book 1 + author 1), where the estimate assumed 10 edges
    expect(actual(query, { books: { edges: [{ node: book('a') }, { node: book('b') }] } })).toBe(7);
    expect(estimateCost(shop, { document: parse(query) }, { defaultListSize: 50 })).toBe(31);
  });

  it('counts a null value as nothing', () => {
    expect(actual('{ book(id: "1") { title author { name } } }', { book: null })).toBe(0);
  });

  it("weighs an interface's values as their __typename says", () => {
    const query = '{ media { __typename ... on Film { reels { length } } ... on Podcast { host { name } } } }';
    const data = { media: [{ __typename: 'Film', reels: [{ length: 1 }, { length: 2 }] }, { __typename: 'Podcast', host: { name: 'Bo' } }] };
    // film (1) + 2 reels, podcast (1) + host (1)
    expect(actual(query, data)).toBe(5);
  });

  it("adds a mutation's base cost and what its arguments cost, and only the base cost when nothing came back", () => {
    const mutation = 'mutation { addBook(input: { title: "t" }) { id } }';
    expect(actual(mutation, { addBook: { id: '1' } })).toBe(18);
    expect(actual(mutation, null)).toBe(10);
  });
});
