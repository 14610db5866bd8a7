import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '@supergraph/demo';
import { errorCode, graphql } from '../../../test/kit/graphql.ts';
import { startSubgraphForTest, type StartedSubgraph } from '../../../test/kit/subgraphs.ts';
import { tokenFor } from '../../../test/kit/tokens.ts';
import { seedOrders } from '../src/index.ts';
import { createProduct, insertOrders } from './fixtures.ts';

const [alice, bob] = demoUsers;
const ORDER = `query($id: ID!) { order(id: $id) { id totalCents status user { id } items { quantity product { name } } } }`;
const USER_ORDERS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id orders(first: 5) { totalCount } } } }`;

let orders: StartedSubgraph<'orders'>;
let aliceOrderId: string;

beforeAll(async () => {
  orders = await startSubgraphForTest('orders');
  await seedOrders(orders.db);
  aliceOrderId = (await orders.db.order.findFirstOrThrow({ where: { userId: alice.id } })).id;
});
afterAll(() => orders?.stop());

describe('seed', () => {
  it('changes nothing when run again', async () => {
    const before = await orders.db.order.count();
    expect(await seedOrders(orders.db)).toEqual({ products: 0, orders: 0 });
    expect(await orders.db.order.count()).toBe(before);
  });
});

describe('order', () => {
  it('returns the signed-in user their own order', async () => {
    const response = await graphql(orders.url, ORDER, { id: aliceOrderId }, { token: await tokenFor(alice.id) });
    expect(response.errors).toBeUndefined();
    expect(response.data!.order).toMatchObject({ id: aliceOrderId, status: 'CONFIRMED', user: { id: alice.id } });
    expect(response.data!.order.items.length).toBeGreaterThan(0);
  });

  it("rejects reading another user's order with FORBIDDEN on id", async () => {
    const response = await graphql(orders.url, ORDER, { id: aliceOrderId }, { token: await tokenFor(bob.id) });
    expect(response.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'id' });
    expect(response.data!.order).toBeNull();
  });

  it("lets an admin read anyone's order", async () => {
    const response = await graphql(orders.url, ORDER, { id: aliceOrderId }, { token: await tokenFor(randomUUID(), 'ADMIN') });
    expect(response.errors).toBeUndefined();
    expect(response.data!.order.user.id).toBe(alice.id);
  });

  it('rejects an anonymous caller with UNAUTHENTICATED', async () => {
    const response = await graphql(orders.url, ORDER, { id: aliceOrderId });
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
  });

  it('answers null for an order that does not exist', async () => {
    const response = await graphql(orders.url, ORDER, { id: randomUUID() }, { token: await tokenFor(alice.id) });
    expect(response).toMatchObject({ data: { order: null } });
    expect(response.errors).toBeUndefined();
  });

  it('rejects a malformed id with BAD_USER_INPUT on id', async () => {
    const response = await graphql(orders.url, ORDER, { id: '42' }, { token: await tokenFor(alice.id) });
    expect(response.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });
});

describe('orders', () => {
  const ORDERS = `query($first: Int, $after: String) {
    orders(first: $first, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } }
  }`;

  it("lists only the signed-in user's orders, newest first, page by page", async () => {
    const userId = randomUUID();
    const product = await createProduct(orders.db);
    const inserted = await insertOrders(orders.db, userId, 5, [product.id]);
    await insertOrders(orders.db, randomUUID(), 2, [product.id]);
    const token = await tokenFor(userId);

    const first = await graphql(orders.url, ORDERS, { first: 2 }, { token });
    const rest = await graphql(orders.url, ORDERS, { first: 10, after: first.data!.orders.pageInfo.endCursor }, { token });

    expect(first.data!.orders).toMatchObject({ totalCount: 5, pageInfo: { hasNextPage: true, hasPreviousPage: false } });
    expect(rest.data!.orders).toMatchObject({ totalCount: 5, pageInfo: { hasNextPage: false, hasPreviousPage: true } });
    const ids = [...first.data!.orders.edges, ...rest.data!.orders.edges].map((edge: any) => edge.node.id);
    expect(ids).toEqual(inserted);
  });

  it('rejects an anonymous caller with UNAUTHENTICATED', async () => {
    const response = await graphql(orders.url, ORDERS);
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
  });

  it('rejects first over 100 with BAD_USER_INPUT on first', async () => {
    const response = await graphql(orders.url, ORDERS, { first: 101 }, { token: await tokenFor(alice.id) });
    expect(response.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('rejects a cursor it did not issue with BAD_USER_INPUT on after', async () => {
    const response = await graphql(orders.url, ORDERS, { after: 'garbage' }, { token: await tokenFor(alice.id) });
    expect(response.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});

describe('User.orders', () => {
  const representations = [{ __typename: 'User', id: alice.id }];

  it('lets a user read their own orders', async () => {
    const response = await graphql(orders.url, USER_ORDERS, { r: representations }, { token: await tokenFor(alice.id) });
    expect(response.errors).toBeUndefined();
    expect(response.data!._entities[0].orders.totalCount).toBe(await orders.db.order.count({ where: { userId: alice.id } }));
  });

  it("rejects reading another user's orders with FORBIDDEN", async () => {
    const response = await graphql(orders.url, USER_ORDERS, { r: representations }, { token: await tokenFor(bob.id) });
    expect(errorCode(response)).toBe('FORBIDDEN');
    expect(response.data!._entities[0].orders).toBeNull();
  });

  it('rejects an anonymous caller with UNAUTHENTICATED', async () => {
    const response = await graphql(orders.url, USER_ORDERS, { r: representations });
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
  });

  it("lets an admin read anyone's orders", async () => {
    const response = await graphql(orders.url, USER_ORDERS, { r: representations }, { token: await tokenFor(randomUUID(), 'ADMIN') });
    expect(response.errors).toBeUndefined();
    expect(response.data!._entities[0].orders.totalCount).toBeGreaterThan(0);
  });

  it('gives a user without orders an empty connection', async () => {
    const userId = randomUUID();
    const response = await graphql(orders.url, USER_ORDERS, { r: [{ __typename: 'User', id: userId }] }, { token: await tokenFor(userId) });
    expect(response.data!._entities[0]).toEqual({ id: userId, orders: { totalCount: 0 } });
  });
});

describe('Order entity', () => {
  const ORDER_ENTITY = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id totalCents } } }`;

  it("rejects resolving another user's order by key with FORBIDDEN", async () => {
    const response = await graphql(orders.url, ORDER_ENTITY, { r: [{ __typename: 'Order', id: aliceOrderId }] }, { token: await tokenFor(bob.id) });
    expect(errorCode(response)).toBe('FORBIDDEN');
    expect(response.data!._entities).toEqual([null]);
  });

  it('resolves the owner their order by key', async () => {
    const response = await graphql(orders.url, ORDER_ENTITY, { r: [{ __typename: 'Order', id: aliceOrderId }] }, { token: await tokenFor(alice.id) });
    expect(response.data!._entities).toEqual([{ id: aliceOrderId, totalCents: expect.any(Number) }]);
  });
});

describe('products', () => {
  const PRODUCTS = `query($first: Int, $after: String) {
    products(first: $first, after: $after) { totalCount edges { node { id name priceCents stock } } pageInfo { hasNextPage endCursor } }
  }`;

  it('pages through every product without a token', async () => {
    const total = await orders.db.product.count();
    const first = await graphql(orders.url, PRODUCTS, { first: 3 });
    const rest = await graphql(orders.url, PRODUCTS, { first: 100, after: first.data!.products.pageInfo.endCursor });

    expect(first.data!.products).toMatchObject({ totalCount: total, pageInfo: { hasNextPage: true } });
    expect(rest.data!.products.pageInfo.hasNextPage).toBe(false);
    const ids = [...first.data!.products.edges, ...rest.data!.products.edges].map((edge: any) => edge.node.id);
    expect(new Set(ids).size).toBe(total);
  });

  it('rejects first over 100 with BAD_USER_INPUT on first', async () => {
    const response = await graphql(orders.url, PRODUCTS, { first: 101 });
    expect(response.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('returns a product by id, and null for one that does not exist', async () => {
    const product = await createProduct(orders.db, { stock: 7 });
    const PRODUCT = 'query($id: ID!) { product(id: $id) { id stock } }';
    expect((await graphql(orders.url, PRODUCT, { id: product.id })).data!.product).toEqual({ id: product.id, stock: 7 });
    expect((await graphql(orders.url, PRODUCT, { id: randomUUID() })).data!.product).toBeNull();
  });
});
