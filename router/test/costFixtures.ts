import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { LinkedDirectives } from '../src/supergraph/linkedDirectives.ts';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@cost", "@listSize"])';

/**
 * A small bookshop of the tests' own, composed into a supergraph as the
 * router gets one. Weights and sizes are chosen so that every rule of the
 * estimate shows in a different number.
 */
export const BOOKSHOP = `
type Query {
  book(id: ID!): Book
  books(first: Int = 10, after: String): BookConnection! @listSize(slicingArguments: ["first"], sizedFields: ["edges"])
  bestsellers: [Book!]! @listSize(assumedSize: 5)
  shelves: [Shelf!]!
  search(text: String! @cost(weight: 3), filter: Filter): [Book!]! @cost(weight: 20) @listSize(assumedSize: 10)
  reviews(first: Int, last: Int): [Review!]! @listSize(slicingArguments: ["first", "last"])
  latestReviews(first: Int, last: Int): [Review!]! @listSize(slicingArguments: ["first", "last"], assumedSize: 3, requireOneSlicingArgument: false)
  media: [Media!]! @listSize(assumedSize: 2)
}

type BookConnection {
  edges: [BookEdge!]!
  totalCount: Int!
}

type BookEdge {
  node: Book!
}

type Book {
  id: ID!
  title: String!
  author: Author!
  publisher: Publisher!
  rating: Rating!
}

type Author {
  name: String!
}

type Publisher @cost(weight: 5) {
  name: String!
}

enum Rating @cost(weight: 2) {
  GOOD
  BAD
}

type Shelf {
  label: String!
}

type Review {
  stars: Int!
}

interface Media {
  id: ID!
}

type Film implements Media {
  id: ID!
  reels: [Reel!]! @listSize(assumedSize: 4)
}

type Podcast implements Media {
  id: ID!
  host: Author!
}

type Reel {
  length: Int!
}

input Filter {
  tags: [String!] @cost(weight: 1)
  since: Int
}

input BookInput {
  title: String!
  authorName: String
}

type Mutation {
  addBook(input: BookInput!): Book! @cost(weight: 7)
}
`;

/** Composes one subgraph's SDL (federation v2.9, `@cost` and `@listSize` imported unless `link` says otherwise). */
export function supergraphOf(sdl: string, link = LINK): LinkedDirectives {
  const composition = composeServices([{ name: 'shop', url: 'http://127.0.0.1:1/graphql', typeDefs: parse(`${link}\n${sdl}`) }]);
  if (composition.errors) throw new Error(composition.errors.map((error) => error.message).join('\n'));
  return new LinkedDirectives(composition.supergraphSdl);
}
