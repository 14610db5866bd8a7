import { createRequire } from 'node:module';
import { composeServices } from '@apollo/composition';
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { buildOperationContext, LocalGraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import { QueryPlanner } from '@apollo/query-planner';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse, type GraphQLFormattedError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { executePlan } from '../src/execution/executePlan.ts';
import { flattenAt } from '../src/execution/flattenAt.ts';
import { mergeInto } from '../src/execution/mergeInto.ts';
import { EntityBatches } from '../src/execution/entityBatches.ts';
import { gatewayExecuteQueryPlan } from '../src/execution/gatewayInternals.ts';
import { representationOf } from '../src/execution/representationOf.ts';

// The router runs @apollo/gateway's query plans with its own execution; it
// must answer as the gateway's own does. Each case below plans one
// operation over four in-process subgraphs (entities across them,
// @requires, @provides, lists of entities, conditions) and runs the plan
// through both, comparing data, errors with their paths, and extensions.
const users = [
  { id: 'u1', name: 'Ada', username: '@ada' },
  { id: 'u2', name: 'Grace', username: '@grace' },
  { id: 'broken', name: 'never seen', username: '@broken' },
];
const products = [
  { upc: 'p1', name: 'Table', price: 899, weight: 100 },
  { upc: 'p2', name: 'Couch', price: 1299, weight: 1000 },
  { upc: 'p3', name: 'Chair', price: 54, weight: 50 },
];
const reviews = [
  { id: 'r1', body: 'Love it', authorId: 'u1', upc: 'p1' },
  { id: 'r2', body: 'Too small', authorId: 'u2', upc: 'p1' },
  { id: 'r3', body: 'Could be better', authorId: 'broken', upc: 'p2' },
  { id: 'r4', body: 'Prefer something else', authorId: 'u1', upc: 'p3' },
];
const link = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@external", "@requires", "@provides", "@shareable"])';

const subgraphs = {
  accounts: {
    typeDefs: `${link}
      type Query { me: User users: [User] }
      type User @key(fields: "id") { id: ID! name: String username: String @shareable }`,
    resolvers: {
      Query: { me: () => users[0], users: () => users },
      User: {
        __resolveReference: ({ id }: { id: string }) => users.find((user) => user.id === id) ?? null,
        name: (user: { id: string; name: string }) => {
          if (user.id === 'broken') throw new GraphQLError('account store down for this user', { extensions: { code: 'SERVICE_UNAVAILABLE' } });
          return user.name;
        },
      },
    },
  },
  products: {
    typeDefs: `${link}
      type Query { topProducts(first: Int = 5): [Product] }
      type Product @key(fields: "upc") { upc: String! name: String price: Int weight: Int }`,
    resolvers: {
      Query: { topProducts: (_: unknown, { first }: { first: number }) => products.slice(0, first) },
      Product: { __resolveReference: ({ upc }: { upc: string }) => products.find((product) => product.upc === upc) ?? null },
    },
  },
  inventory: {
    typeDefs: `${link}
      type Product @key(fields: "upc") {
        upc: String!
        price: Int @external
        weight: Int @external
        inStock: Boolean
        restockNote: String
        shippingEstimate: Int @requires(fields: "price weight")
        stockCount: Int!
      }`,
    resolvers: {
      Product: {
        __resolveReference: (reference: { upc: string; price?: number; weight?: number }) => ({ ...reference, inStock: reference.upc !== 'p2' }),
        shippingEstimate: ({ price, weight }: { price: number; weight: number }) => (price > 1000 ? 0 : weight / 2),
        restockNote: ({ upc }: { upc: string }) => {
          if (upc === 'p2') throw new GraphQLError('no restock data for this product');
          return 'soon';
        },
        // A non-null field a subgraph gets wrong for one entity: the null must bubble in the router.
        stockCount: ({ upc }: { upc: string }) => (upc === 'p3' ? null : 7),
      },
    },
  },
  reviews: {
    typeDefs: `${link}
      type Review @key(fields: "id") { id: ID! body: String author: User @provides(fields: "username") product: Product }
      type User @key(fields: "id") { id: ID! username: String @external reviews: [Review] }
      type Product @key(fields: "upc") { upc: String! reviews: [Review] }`,
    resolvers: {
      Review: {
        author: (review: { authorId: string }) => ({ __typename: 'User', id: review.authorId, username: users.find((user) => user.id === review.authorId)?.username }),
        product: (review: { upc: string }) => ({ __typename: 'Product', upc: review.upc }),
      },
      User: { reviews: (user: { id: string }) => reviews.filter((review) => review.authorId === user.id) },
      Product: { reviews: (product: { upc: string }) => reviews.filter((review) => review.upc === product.upc) },
    },
  },
};

const composed = composeServices(Object.entries(subgraphs).map(([name, { typeDefs }]) => ({ name, typeDefs: parse(typeDefs), url: `http://${name}.invalid/graphql` })));
if (!composed.supergraphSdl) throw new Error(`composition failed: ${composed.errors?.map((error) => error.message).join('; ')}`);
const supergraph = Supergraph.build(composed.supergraphSdl);
const apiSchema = supergraph.apiSchema();
const planner = new QueryPlanner(supergraph);
const serviceMap: ServiceMap = Object.fromEntries(
  Object.entries(subgraphs).map(([name, { typeDefs, resolvers }]) => [name, new LocalGraphQLDataSource(buildSubgraphSchema({ typeDefs: parse(typeDefs), resolvers: resolvers as never }))]),
);

type Execute = typeof executePlan;

/** What one execution gives, in a form two of them compare by. */
/** A composed supergraph to plan over. */
interface Graph {
  supergraph: Supergraph;
  apiSchema: ReturnType<Supergraph['apiSchema']>;
  planner: QueryPlanner;
}

const graph: Graph = { supergraph, apiSchema, planner };

function composedGraph(subgraphsOf: Record<string, { typeDefs: string }>): Graph {
  const result = composeServices(Object.entries(subgraphsOf).map(([name, { typeDefs }]) => ({ name, typeDefs: parse(typeDefs), url: `http://${name}.invalid/graphql` })));
  if (!result.supergraphSdl) throw new Error(`composition failed: ${result.errors?.map((error) => error.message).join('; ')}`);
  const built = Supergraph.build(result.supergraphSdl);
  return { supergraph: built, apiSchema: built.apiSchema(), planner: new QueryPlanner(built) };
}

async function outcome(execute: Execute, query: string, variables: Record<string, unknown>, services: ServiceMap, { supergraph, apiSchema, planner }: Graph = graph) {
  const document = parse(query);
  const plan = planner.buildQueryPlan(operationFromDocument(apiSchema, document));
  const operationContext = buildOperationContext({ schema: apiSchema.toGraphQLJSSchema(), operationDocument: document });
  const requestContext = { request: { query, variables }, context: {}, metrics: {}, document, logger: console } as unknown as GatewayGraphQLRequestContext;
  try {
    const result = await execute(plan, services, requestContext, operationContext, supergraph.schema.toGraphQLJSSchema(), apiSchema);
    return {
      data: JSON.stringify(result.data),
      errors: result.errors?.map((error) => ({ message: error.message, path: error.path, extensions: error.extensions })),
      extensions: JSON.stringify(result.extensions),
      plan: plan.node?.kind,
    };
  } catch (error) {
    return { threw: (error as Error).message };
  }
}

async function expectSameAsGateway(query: string, variables: Record<string, unknown> = {}, services = serviceMap, over = graph) {
  const ours = await outcome(executePlan, query, variables, services, over);
  expect(ours).toEqual(await outcome(gatewayExecuteQueryPlan, query, variables, services, over));
  return ours;
}

describe('query plan execution', () => {
  it('merges entities from every subgraph, @requires and @provides included, as the gateway does', async () => {
    const ours = await expectSameAsGateway(`{
      topProducts { upc name price shippingEstimate inStock reviews { body author { username name reviews { product { name inStock } } } } }
    }`);
    expect(ours.plan).toBe('Sequence');
    const data = JSON.parse(ours.data!);
    expect(data.topProducts[0]).toMatchObject({ name: 'Table', shippingEstimate: 50, inStock: true, reviews: [{ author: { name: 'Ada', username: '@ada' } }, { author: { name: 'Grace' } }] });
  });

  it('puts an entity fetch’s error at the entity’s path in the response, and nulls what it could not fetch', async () => {
    const ours = await expectSameAsGateway('{ topProducts { name reviews { body author { name } } } }');
    expect(ours.errors).toEqual([
      { message: 'account store down for this user', path: ['topProducts', 1, 'reviews', 0, 'author', 'name'], extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'accounts' } },
    ]);
    expect(JSON.parse(ours.data!).topProducts[1].reviews[0].author).toEqual({ name: null });
  });

  it('bubbles a null a subgraph sent for a non-null field to the nearest nullable parent', async () => {
    const ours = await expectSameAsGateway('{ topProducts { upc stockCount } }');
    expect(JSON.parse(ours.data!).topProducts[2]).toBeNull();
  });

  it('takes the branch of a condition the variables choose, and the variables each fetch uses', async () => {
    const query = 'query Q($withReviews: Boolean!, $first: Int) { topProducts(first: $first) { name reviews @include(if: $withReviews) { body } } }';
    for (const variables of [{ withReviews: true, first: 2 }, { withReviews: false }, { withReviews: true, first: 0 }]) await expectSameAsGateway(query, variables);
  });

  it('answers aliases, fragments, __typename and introspection beside the plan', async () => {
    await expectSameAsGateway(`{
      __schema { queryType { name } }
      first: topProducts(first: 1) { __typename ... on Product { label: name } ...Stock }
      me { ... on User { id username } }
      users { id reviews { id } }
    }
    fragment Stock on Product { inStock shippingEstimate }`);
  });

  it('reads defaults of variables in conditions on fragments and in introspection, and aliases on entity fields', async () => {
    const query = `query Q($with: Boolean = true, $without: Boolean = false, $type: String = "Product", $first: Int = 2) {
      t: __type(name: $type) { name fields(includeDeprecated: $with) { name } }
      topProducts(first: $first) {
        ... on Product @include(if: $with) { n: name stock: inStock }
        ...More @skip(if: $without)
        ... @skip(if: $with) { price }
      }
    }
    fragment More on Product { ship: shippingEstimate reviews @include(if: $without) { body } }`;
    for (const variables of [{}, { with: false, without: true, type: "User" }, { first: null, with: null }]) await expectSameAsGateway(query, variables);
  });

  it('keeps response names an object inherits (constructor, __proto__, toString) as the gateway does', async () => {
    const ours = await expectSameAsGateway(`{
      constructor: topProducts(first: 2) { toString: name hasOwnProperty: inStock __proto__: upc valueOf: reviews { constructor: author { __proto__: name } } }
      __proto__: me { constructor: name }
    }`);
    expect(ours.data).toContain('"toString":"Table"');
  });

  it('reports a subgraph that answers with errors only, or with entities that do not match, and keeps the rest', async () => {
    const query = '{ topProducts { name inStock shippingEstimate } }';
    const failing = { process: async () => ({ errors: [{ message: 'inventory is down', path: ['_entities', 1, 'inStock'] }, { message: '' }] }) };
    const ours = await expectSameAsGateway(query, {}, { ...serviceMap, inventory: failing });
    expect(ours.errors?.map((error) => error.path)).toEqual([['topProducts', 1, 'inStock'], undefined]);
    const throwing = {
      process: () => {
        throw new Error('inventory client broke');
      },
    };
    expect((await expectSameAsGateway(query, {}, { ...serviceMap, inventory: throwing })).errors?.map((error) => error.message)).toContain('inventory client broke');
    const short = { process: async () => ({ data: { _entities: [{ inStock: true }] } }) };
    expect((await expectSameAsGateway(query, {}, { ...serviceMap, inventory: short })).errors?.[0]?.message).toBe('Expected "data._entities" to contain 3 elements');
  });
});

describe('@interfaceObject, abstract types across subgraphs and @requires of lists of objects', () => {
  const link2 = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@external", "@requires", "@shareable", "@interfaceObject"])';
  const media = [
    { __typename: 'Book', id: 'b1', title: 'Dune', author: 'Herbert', chapters: [{ title: 'One', pages: 10 }, { title: 'Two', pages: 32 }] },
    { __typename: 'Movie', id: 'm1', title: 'Alien', director: 'Scott' },
    { __typename: 'Book', id: 'b2', title: 'Empty', author: 'Nobody', chapters: [] },
  ];
  const byId = (id: string) => media.find((item) => item.id === id) ?? null;
  const mediaSubgraphs = {
    catalog: {
      typeDefs: `${link2}
        type Query { media: [Media] search: [SearchResult] book(id: ID!): Book }
        union SearchResult = Book | Movie
        interface Media @key(fields: "id") { id: ID! title: String }
        type Chapter @shareable { title: String pages: Int }
        type Book implements Media @key(fields: "id") { id: ID! title: String author: String chapters: [Chapter] }
        type Movie implements Media @key(fields: "id") { id: ID! title: String director: String }`,
      resolvers: {
        Query: { media: () => media, search: () => [media[1], null, media[0]], book: (_: unknown, { id }: { id: string }) => byId(id) },
        Media: { __resolveReference: ({ id }: { id: string }) => byId(id), __resolveType: (item: { __typename: string }) => item.__typename },
        SearchResult: { __resolveType: (item: { __typename: string }) => item.__typename },
        Book: { __resolveReference: ({ id }: { id: string }) => byId(id) },
        Movie: { __resolveReference: ({ id }: { id: string }) => byId(id) },
      },
    },
    ratings: {
      typeDefs: `${link2}
        type Query { topMedia: [Media] }
        type Media @key(fields: "id") @interfaceObject { id: ID! rating: Float }`,
      resolvers: {
        Query: { topMedia: () => [{ id: 'm1' }, { id: 'gone' }, { id: 'b1' }] },
        Media: {
          __resolveReference: ({ id }: { id: string }) => (id === 'gone' ? null : { id }),
          rating: ({ id }: { id: string }) => {
            if (id === 'b2') throw new GraphQLError('no rating yet');
            return id.length * 1.5;
          },
        },
      },
    },
    reading: {
      typeDefs: `${link2}
        type Chapter @shareable { title: String pages: Int }
        type Book @key(fields: "id") { id: ID! chapters: [Chapter] @external pageCount: Int @requires(fields: "chapters { pages }") }`,
      resolvers: {
        Book: { pageCount: ({ chapters }: { chapters: { pages: number }[] }) => chapters.reduce((sum, chapter) => sum + chapter.pages, 0) },
      },
    },
  };
  const mediaGraph = composedGraph(mediaSubgraphs);
  const mediaServices: ServiceMap = Object.fromEntries(
    Object.entries(mediaSubgraphs).map(([name, { typeDefs, resolvers }]) => [name, new LocalGraphQLDataSource(buildSubgraphSchema({ typeDefs: parse(typeDefs), resolvers: resolvers as never }))]),
  );

  it('gives the gateway’s answers', async () => {
    for (const query of [
      '{ media { __typename id title rating ... on Book { pageCount chapters { pages } } } }',
      '{ topMedia { id rating title ... on Book { author pageCount } ... on Movie { director } t: __typename } }',
      '{ search { __typename ... on Book { title rating pageCount } ... on Movie { rating } } book(id: "b2") { rating pageCount } }',
    ]) {
      const ours = await expectSameAsGateway(query, {}, mediaServices, mediaGraph);
      expect(ours.data).toBeDefined();
    }
  });
});

describe('data sources that break the promise', () => {
  it('reports a data source that throws at once, or answers without a promise, as the gateway does (no hang)', async () => {
    const query = '{ topProducts { name inStock } }';
    const within = <T>(promise: Promise<T>) => Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('hung')), 2000))]);
    const throwing = { process: () => { throw new Error('inventory refused at once'); } };
    const ours = await within(expectSameAsGateway(query, {}, { ...serviceMap, inventory: throwing as never }));
    expect(ours.errors?.map((error) => error.message)).toEqual(['inventory refused at once']);
    for (const nothing of [null, undefined]) {
      const empty = { process: async () => nothing };
      await expectSameAsGateway(query, {}, { ...serviceMap, inventory: empty as never });
      await expectSameAsGateway(query, {}, { ...serviceMap, products: empty as never });
    }
    const sync = { process: () => ({ data: { _entities: [{ inStock: true }, { inStock: false }, { inStock: true }] } }) };
    expect(JSON.parse((await within(expectSameAsGateway(query, {}, { ...serviceMap, inventory: sync as never }))).data!).topProducts[1].inStock).toBe(false);
  });
});

describe('entity fetches that start together', () => {
  /** The service map, counting the requests each subgraph receives. */
  function counted(): { services: ServiceMap; requests: Record<string, number> } {
    const requests: Record<string, number> = {};
    const services = Object.fromEntries(
      Object.entries(serviceMap).map(([name, source]) => [
        name,
        { process: (options: Parameters<typeof source.process>[0]) => ((requests[name] = (requests[name] ?? 0) + 1), source.process(options)) },
      ]),
    );
    return { services, requests };
  }

  // Named: the planner names each fetch after it (Stock__inventory__3), differently per fetch.
  const query = `query Stock { topProducts {
    reviews { product { name inStock restockNote } author { reviews { product { name inStock restockNote } } } }
  } }`;

  it('go to a subgraph as one request, each answered with its share, errors at their own paths', async () => {
    const ours = counted();
    const theirs = counted();
    const answer = await outcome(executePlan, query, {}, ours.services);
    expect(answer).toEqual(await outcome(gatewayExecuteQueryPlan, query, {}, theirs.services));
    // Products and inventory are asked once each for the products at both places, not once per place.
    expect(theirs.requests).toEqual({ products: 3, reviews: 1, inventory: 2 });
    expect(ours.requests).toEqual({ products: 2, reviews: 1, inventory: 1 });
    expect(answer.errors?.map((error) => error.path)).toEqual([
      ['topProducts', 1, 'reviews', 0, 'product', 'restockNote'],
      ['topProducts', 1, 'reviews', 0, 'author', 'reviews', 0, 'product', 'restockNote'],
    ]);
  });

  it('never share a request with another operation’s fetches, even when both run at once', async () => {
    const ours = counted();
    const [first, second] = await Promise.all([outcome(executePlan, query, {}, ours.services), outcome(executePlan, query, {}, ours.services)]);
    expect(ours.requests).toEqual({ products: 4, reviews: 2, inventory: 2 });
    const theirs = await outcome(gatewayExecuteQueryPlan, query, {}, serviceMap);
    expect(first).toEqual(theirs);
    expect(second).toEqual(theirs);
  });

  it('get only the errors of their own entities, re-indexed, and each the errors that name no entity', async () => {
    const batches = new EntityBatches();
    const sent: unknown[] = [];
    const answering = (errors: GraphQLFormattedError[]) => async (variables: Record<string, unknown>) => {
      sent.push(variables);
      return { data: { _entities: [{ n: 0 }, { n: 1 }, { n: 2 }] }, errors };
    };
    const third = answering([{ message: 'third', path: ['_entities', 2, 'n'] }]);
    const [first, second] = await Promise.all([batches.fetch('k', { v: 1 }, [{ r: 0 }, { r: 1 }], third), batches.fetch('k', { v: 1 }, [{ r: 2 }], third)]);
    expect(sent).toEqual([{ v: 1, representations: [{ r: 0 }, { r: 1 }, { r: 2 }] }]);
    expect(first).toEqual({ data: { _entities: [{ n: 0 }, { n: 1 }] }, errors: undefined, extensions: undefined });
    expect(second).toEqual({ data: { _entities: [{ n: 2 }] }, errors: [{ message: 'third', path: ['_entities', 0, 'n'] }], extensions: undefined });
    const everyone = answering([{ message: 'everyone' }, { message: 'whole list', path: ['_entities'] }]);
    const shares = await Promise.all([batches.fetch('k', {}, [1, 2], everyone), batches.fetch('k', {}, [3], everyone)]);
    expect(shares.map((answer) => answer.errors?.map((error) => error.message))).toEqual([['everyone', 'whole list'], ['everyone', 'whole list']]);
    const clean = await Promise.all([batches.fetch('k', {}, [1], async () => ({ data: { _entities: [1, 2] } })), batches.fetch('k', {}, [2], async () => ({}))]);
    expect(clean.map((answer) => answer.errors)).toEqual([undefined, undefined]);
  });

  it('each get what no one’s share holds as each would have alone: errors past the end or between indices, errors not a list or not objects, a rejection, no answer', async () => {
    const inventory = serviceMap.inventory!;
    const misindexing = {
      process: async (options: Parameters<typeof inventory.process>[0]) => {
        const answer = await inventory.process(options);
        return { ...answer, errors: [{ message: 'past the end', path: ['_entities', 99, 'inStock'] }, { message: 'between', path: ['_entities', 0.5, 'inStock'] }] };
      },
    };
    const ours = await expectSameAsGateway(query, {}, { ...serviceMap, inventory: misindexing });
    expect(ours.errors?.filter((error) => error.message === 'past the end')).toHaveLength(2);
    // Nor does a subgraph whose errors are not a list lose its fetches their own failure.
    const unlisted = { process: async () => ({ data: null, errors: { message: 'not a list' } }) };
    await expectSameAsGateway(query, {}, { ...serviceMap, inventory: unlisted as never });
    await expectSameAsGateway('{ topProducts { name inStock } }', {}, { ...serviceMap, inventory: unlisted as never });
    const holey = { process: async () => ({ data: null, errors: [null, 'text', { message: 'real' }] }) };
    await expectSameAsGateway(query, {}, { ...serviceMap, inventory: holey as never });
    await expectSameAsGateway('{ topProducts { name inStock } }', {}, { ...serviceMap, inventory: holey as never });
    const rejecting = { process: async () => Promise.reject(new Error('inventory went away')) };
    expect((await expectSameAsGateway(query, {}, { ...serviceMap, inventory: rejecting })).errors?.map((error) => error.message)).toEqual(Array(2).fill('inventory went away'));
    // And a data source that answers nothing fails each fetch of the batch as it would have failed each alone.
    const nothing = await expectSameAsGateway(query, {}, { ...serviceMap, inventory: { process: async () => null } as never });
    expect(nothing.errors?.map((error) => error.message)).toEqual(Array(2).fill("Cannot read properties of null (reading 'errors')"));
  });

  it('each get the errors of a subgraph that names no entity, as each would have alone', async () => {
    const down = { process: async () => ({ errors: [{ message: 'inventory is down' }] }) };
    const ours = await expectSameAsGateway(query, {}, { ...serviceMap, inventory: down });
    expect(ours.errors?.filter((error) => error.message === 'inventory is down')).toHaveLength(2);
  });
});

describe('a fetch’s entities and their representations', () => {
  it('finds the values at a path, one level of lists spread per @, null where the path ends early', () => {
    expect(flattenAt({ a: [{ b: 1 }, { b: 2 }] }, ['a', '@', 'b'])).toEqual([1, 2]);
    expect(flattenAt({ a: [[{ b: 1 }], [{ b: 2 }, null]] }, ['a', '@', '@'])).toEqual([{ b: 1 }, { b: 2 }, null]);
    expect(flattenAt({ a: [{ b: [1, 2] }, { b: null }, {}] }, ['a', '@', 'b'])).toEqual([1, 2, null, undefined]);
    expect(flattenAt({ a: [{ b: [{ c: 1 }, { c: 2 }] }, { b: null }] }, ['a', '@', 'b', '@', 'c'])).toEqual([1, 2, null]);
    expect(flattenAt({ a: { b: [1] } }, ['a', 'b'])).toEqual([1]);
    expect(flattenAt({ a: null }, ['a', '@', 'b'])).toBeNull();
    expect(flattenAt({}, ['a', 'b'])).toBeUndefined();
    expect(() => flattenAt({ a: [1] }, ['a', 'b'])).toThrow('Unexpected array in result for path element b');
  });

  it('represents an entity by the fields its fetch requires, or not at all when one is missing', () => {
    const schema = supergraph.schema.toGraphQLJSSchema();
    const requires = [{ kind: 'InlineFragment' as const, typeCondition: 'Product', selections: [{ kind: 'Field' as const, name: '__typename' }, { kind: 'Field' as const, name: 'upc' }, { kind: 'Field' as const, name: 'price' }] }];
    expect(representationOf(schema, { __typename: 'Product', upc: 'p1', price: 1, name: 'Table' }, requires)).toEqual({ __typename: 'Product', upc: 'p1', price: 1 });
    expect(representationOf(schema, { __typename: 'Product', upc: 'p1', price: null }, requires)).toEqual({ __typename: 'Product', upc: 'p1', price: null });
    expect(representationOf(schema, { __typename: 'Product', upc: 'p1' }, [{ kind: 'Field', name: 'upc' }, { kind: 'Field', name: 'price' }])).toBeNull();
    expect(representationOf(schema, { __typename: 'User', id: 'u1' }, requires)).toEqual({});
  });
});

describe('merging what subgraphs send', () => {
  const { deepMerge } = createRequire(import.meta.url)('@apollo/gateway/dist/utilities/deepMerge.js') as { deepMerge(target: unknown, source: unknown): unknown };
  const cases: [string, string][] = [
    ['{"a":{"b":1},"l":[{"x":1},2,null]}', '{"a":{"c":2},"l":[{"y":2},3,{"z":1}],"n":null}'],
    ['{"l":[1,2]}', '{"l":[3]}'],
    ['{"a":null,"b":"s"}', '{"a":{"c":1},"b":[1]}'],
    ['{}', '{"constructor":{"a":1},"__proto__":{"polluted":true},"toString":"x"}'],
    ['{"a":[[{"x":1}],[{"y":1}]]}', '{"a":[[{"z":1}],[{"w":1}]]}'],
  ];

  it('merges objects, lists of equal length and the names an object inherits as the gateway’s deepMerge does', () => {
    for (const [target, source] of cases) {
      const ours = JSON.parse(target);
      mergeInto(ours, JSON.parse(source));
      const theirs = JSON.parse(target);
      deepMerge(theirs, JSON.parse(source));
      expect(JSON.stringify(ours)).toBe(JSON.stringify(theirs));
      expect(Object.getPrototypeOf(ours)).toBe(Object.prototype);
    }
    const skipped = { a: 1 };
    mergeInto(skipped, { a: undefined, b: undefined });
    expect(skipped).toEqual({ a: 1 });
  });
});
