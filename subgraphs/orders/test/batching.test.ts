import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../../test/kit/graphql.ts';
import { countQueries } from '../../../test/kit/queryCounter.ts';
import { startSubgraphForTest, type StartedSubgraph } from '../../../test/kit/subgraphs.ts';
import { tokenFor } from '../../../test/kit/tokens.ts';
import { createProduct, insertOrders } from './fixtures.ts';

const USERS_ORDERS = `query($r: [_Any!]!) {
  _entities(representations: $r) {
    ... on User { orders(first: 10) { totalCount edges { node { totalCents items { quantity product { name } } } } } }
  }
}`;

let orders: StartedSubgraph<'orders'>;
let counter: ReturnType<typeof countQueries>;
let adminToken: string;
const userIds = Array.from({ length: 30 }, () => randomUUID());

beforeAll(async () => {
  orders = await startSubgraphForTest('orders');
  counter = countQueries(orders.db);
  adminToken = await tokenFor(randomUUID(), 'ADMIN');
  const products = await Promise.all(Array.from({ length: 6 }, () => createProduct(orders.db)));
  // Each user has more orders than a page holds, each order two lines.
  await Promise.all(
    userIds.map((userId, index) =>
      insertOrders(orders.db, userId, 12, [products[index % 6]!.id, products[(index + 1) % 6]!.id]),
    ),
  );
});
afterAll(() => orders?.stop());

/** SQL statements one request costs. */
async function statementsFor(query: string, variables: Record<string, unknown>, token = adminToken) {
  counter.reset();
  const response = await graphql(orders.url, query, variables, { token });
  expect(response.errors).toBeUndefined();
  return { response, count: counter.count };
}

const representationsOf = (ids: string[]) => ids.map((id) => ({ __typename: 'User', id }));

describe('batching', () => {
  it("costs the same SQL statements for 30 users' orders, items and products as for 3", async () => {
    const three = await statementsFor(USERS_ORDERS, { r: representationsOf(userIds.slice(0, 3)) });
    const thirty = await statementsFor(USERS_ORDERS, { r: representationsOf(userIds) });

    // Orders (one windowed query), their count, their items, the items' products.
    expect(three.count).toBe(4);
    expect(thirty.count).toBe(4);
    const entities = thirty.response.data!._entities;
    expect(entities).toHaveLength(30);
    for (const entity of entities) {
      expect(entity.orders.totalCount).toBe(12);
      expect(entity.orders.edges).toHaveLength(10);
      expect(entity.orders.edges[0].node.items).toHaveLength(2);
    }
  });

  it('runs the count only when totalCount is selected', async () => {
    const query = USERS_ORDERS.replace('totalCount ', '');
    const { count } = await statementsFor(query, { r: representationsOf(userIds) });
    expect(count).toBe(3);
  });

  it('shares one windowed query among users asking for the same page, one per distinct page', async () => {
    const firstPage = await statementsFor(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { orders(first: 5) { pageInfo { endCursor } } } } }`,
      { r: representationsOf(userIds.slice(0, 2)) },
    );
    const [cursorA, cursorB] = firstPage.response.data!._entities.map((entity: any) => entity.orders.pageInfo.endCursor);
    const PAGES = `query($r: [_Any!]!, $a: String, $b: String) {
      _entities(representations: $r) {
        ... on User { first: orders(first: 5) { edges { node { id } } } a: orders(first: 5, after: $a) { edges { node { id } } } b: orders(first: 5, after: $b) { edges { node { id } } } }
      }
    }`;

    const { count, response } = await statementsFor(PAGES, { r: representationsOf(userIds.slice(0, 2)), a: cursorA, b: cursorB });

    expect(count).toBe(3);
    const [userA] = response.data!._entities;
    expect(userA.a.edges).toHaveLength(5);
    expect(userA.a.edges.map((edge: any) => edge.node.id)).not.toContain(userA.first.edges[0].node.id);
  });

  it("costs the same SQL statements for a user's 10 orders as for 2 through Query.orders", async () => {
    const ORDERS = `query($first: Int) { orders(first: $first) { edges { node { items { product { name } } } } } }`;
    const token = await tokenFor(userIds[0]!);
    const two = await statementsFor(ORDERS, { first: 2 }, token);
    const ten = await statementsFor(ORDERS, { first: 10 }, token);
    expect(two.count).toBe(3);
    expect(ten.count).toBe(3);
  });
});
