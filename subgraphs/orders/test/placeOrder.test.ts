import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, graphql } from '../../../test/kit/graphql.ts';
import { startSubgraphForTest, type StartedSubgraph } from '../../../test/kit/subgraphs.ts';
import { tokenFor } from '../../../test/kit/tokens.ts';
import { CANCEL_ORDER, createProduct, databaseState, PLACE_ORDER, stockOf } from './fixtures.ts';

let orders: StartedSubgraph<'orders'>;

beforeAll(async () => {
  orders = await startSubgraphForTest('orders');
});
afterAll(() => orders?.stop());

/** A customer of their own per test, signed in. */
async function newCustomer() {
  const userId = randomUUID();
  return { userId, token: await tokenFor(userId) };
}

const place = (token: string | undefined, items: { productId: string; quantity: number }[], key: string = randomUUID()) =>
  graphql(orders.url, PLACE_ORDER, { input: { items }, key }, { token });

describe('placeOrder', () => {
  it('creates the order, reserves its stock and prices each item at the current price', async () => {
    const { userId, token } = await newCustomer();
    const kettle = await createProduct(orders.db, { stock: 5, priceCents: 4500 });
    const filters = await createProduct(orders.db, { stock: 100, priceCents: 650 });

    const response = await place(token, [
      { productId: kettle.id, quantity: 2 },
      { productId: filters.id, quantity: 3 },
    ]);

    expect(response.errors).toBeUndefined();
    const order = response.data!.placeOrder;
    expect(order).toMatchObject({ status: 'PENDING', totalCents: 2 * 4500 + 3 * 650, user: { id: userId } });
    expect(order.items).toHaveLength(2);
    expect(order.items).toEqual(
      expect.arrayContaining([
        { quantity: 2, unitPriceCents: 4500, product: { id: kettle.id, stock: 3 } },
        { quantity: 3, unitPriceCents: 650, product: { id: filters.id, stock: 97 } },
      ]),
    );
    expect(await stockOf(orders.db, kettle.id)).toBe(3);
    expect(await stockOf(orders.db, filters.id)).toBe(97);
  });

  it('keeps the price an order was placed at when the product price changes later', async () => {
    const { token } = await newCustomer();
    const product = await createProduct(orders.db, { priceCents: 1000 });
    const placed = await place(token, [{ productId: product.id, quantity: 1 }]);
    await orders.db.product.update({ where: { id: product.id }, data: { priceCents: 5000 } });

    const read = await graphql(orders.url, 'query($id: ID!) { order(id: $id) { totalCents items { unitPriceCents } } }', {
      id: placed.data!.placeOrder.id,
    }, { token });
    expect(read.data!.order).toEqual({ totalCents: 1000, items: [{ unitPriceCents: 1000 }] });
  });

  it('rejects a call without a token with UNAUTHENTICATED and writes nothing', async () => {
    const product = await createProduct(orders.db);
    const before = await databaseState(orders.db);
    const response = await place(undefined, [{ productId: product.id, quantity: 1 }]);
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
    expect(await databaseState(orders.db)).toEqual(before);
  });

  describe('rejects invalid input with BAD_USER_INPUT on the offending field and writes nothing', () => {
    const cases: [string, string, (productId: string) => { items: { productId: string; quantity: number }[]; key?: string }][] = [
      ['a quantity of 0', 'input.items.0.quantity', (id) => ({ items: [{ productId: id, quantity: 0 }] })],
      ['a negative quantity', 'input.items.0.quantity', (id) => ({ items: [{ productId: id, quantity: -3 }] })],
      ['a quantity over 1,000', 'input.items.0.quantity', (id) => ({ items: [{ productId: id, quantity: 1001 }] })],
      ['a malformed product id', 'input.items.1.productId', (id) => ({ items: [{ productId: id, quantity: 1 }, { productId: 'p-42', quantity: 1 }] })],
      ['the same product twice', 'input.items', (id) => ({ items: [{ productId: id, quantity: 1 }, { productId: id.toUpperCase(), quantity: 2 }] })],
      ['no items', 'input.items', () => ({ items: [] })],
      ['51 items', 'input.items', () => ({ items: Array.from({ length: 51 }, () => ({ productId: randomUUID(), quantity: 1 })) })],
      ['an empty idempotency key', 'idempotencyKey', (id) => ({ items: [{ productId: id, quantity: 1 }], key: '' })],
      ['an idempotency key over 100 characters', 'idempotencyKey', (id) => ({ items: [{ productId: id, quantity: 1 }], key: 'k'.repeat(101) })],
    ];

    it.each(cases)('%s (%s)', async (_name, field, build) => {
      const { token } = await newCustomer();
      const product = await createProduct(orders.db);
      const { items, key } = build(product.id);
      const before = await databaseState(orders.db);

      const response = await place(token, items, key);

      expect(response.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(response.data).toBeNull();
      expect(await databaseState(orders.db)).toEqual(before);
    });
  });

  it('rejects an order whose total would not fit a 32-bit Int with BAD_USER_INPUT on input.items and writes nothing', async () => {
    const { token } = await newCustomer();
    const pricey = await createProduct(orders.db, { stock: 5000, priceCents: 5_000_000 });
    const before = await databaseState(orders.db);
    const response = await place(token, [{ productId: pricey.id, quantity: 1000 }]);
    expect(response.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.items' });
    expect(await databaseState(orders.db)).toEqual(before);
  });

  it('rejects an unknown product with NOT_FOUND on its productId and reserves no other item', async () => {
    const { token } = await newCustomer();
    const known = await createProduct(orders.db, { stock: 10 });
    const before = await databaseState(orders.db);

    const response = await place(token, [
      { productId: known.id, quantity: 4 },
      { productId: randomUUID(), quantity: 1 },
    ]);

    expect(response.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.items.1.productId' });
    expect(await databaseState(orders.db)).toEqual(before);
    expect(await stockOf(orders.db, known.id)).toBe(10);
  });

  it('rejects more than the stock with OUT_OF_STOCK on that quantity, says what is available and reserves nothing', async () => {
    const { token } = await newCustomer();
    const plenty = await createProduct(orders.db, { stock: 50 });
    const scarce = await createProduct(orders.db, { stock: 2 });
    const before = await databaseState(orders.db);

    const response = await place(token, [
      { productId: plenty.id, quantity: 5 },
      { productId: scarce.id, quantity: 3 },
    ]);

    expect(response.errors![0]!.extensions).toMatchObject({ code: 'OUT_OF_STOCK', field: 'input.items.1.quantity', available: 2 });
    expect(await databaseState(orders.db)).toEqual(before);
  });

  it('rejects a product with no stock left with OUT_OF_STOCK and available 0', async () => {
    const { token } = await newCustomer();
    const soldOut = await createProduct(orders.db, { stock: 0 });
    const before = await databaseState(orders.db);
    const response = await place(token, [{ productId: soldOut.id, quantity: 1 }]);
    expect(response.errors![0]!.extensions).toMatchObject({ code: 'OUT_OF_STOCK', field: 'input.items.0.quantity', available: 0 });
    expect(await databaseState(orders.db)).toEqual(before);
  });
});

describe('placeOrder idempotency', () => {
  it('answers a retry with the same key with the same order and reserves stock once', async () => {
    const { token } = await newCustomer();
    const a = await createProduct(orders.db, { stock: 10 });
    const b = await createProduct(orders.db, { stock: 10 });
    const key = randomUUID();

    const first = await place(token, [{ productId: a.id, quantity: 1 }, { productId: b.id, quantity: 2 }], key);
    // The same order with its lines listed the other way round is still the same order.
    const retry = await place(token, [{ productId: b.id, quantity: 2 }, { productId: a.id, quantity: 1 }], key);

    expect(retry.errors).toBeUndefined();
    expect(retry.data!.placeOrder.id).toBe(first.data!.placeOrder.id);
    expect(await stockOf(orders.db, a.id)).toBe(9);
    expect(await stockOf(orders.db, b.id)).toBe(8);
  });

  it('rejects a key reused for a different order with CONFLICT on idempotencyKey and changes nothing', async () => {
    const { token } = await newCustomer();
    const product = await createProduct(orders.db, { stock: 10 });
    const key = randomUUID();
    await place(token, [{ productId: product.id, quantity: 1 }], key);
    const before = await databaseState(orders.db);

    const response = await place(token, [{ productId: product.id, quantity: 2 }], key);

    expect(response.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', field: 'idempotencyKey' });
    expect(await databaseState(orders.db)).toEqual(before);
  });

  it('scopes keys to the user: two users with one key get two orders', async () => {
    const product = await createProduct(orders.db, { stock: 10 });
    const key = randomUUID();
    const first = await place((await newCustomer()).token, [{ productId: product.id, quantity: 1 }], key);
    const second = await place((await newCustomer()).token, [{ productId: product.id, quantity: 1 }], key);
    expect(second.data!.placeOrder.id).not.toBe(first.data!.placeOrder.id);
    expect(await stockOf(orders.db, product.id)).toBe(8);
  });

  it('turns 10 concurrent calls with one key into exactly one order, reserved once, returned to every caller', async () => {
    const { userId, token } = await newCustomer();
    const product = await createProduct(orders.db, { stock: 100 });
    const key = randomUUID();

    const responses = await Promise.all(
      Array.from({ length: 10 }, () => place(token, [{ productId: product.id, quantity: 3 }], key)),
    );

    expect(responses.map((response) => response.errors)).toEqual(Array(10).fill(undefined));
    const ids = new Set(responses.map((response) => response.data!.placeOrder.id));
    expect(ids.size).toBe(1);
    expect(await orders.db.order.count({ where: { userId } })).toBe(1);
    expect(await orders.db.orderItem.count({ where: { orderId: [...ids][0] } })).toBe(1);
    expect(await stockOf(orders.db, product.id)).toBe(97);
  });
});

describe('placeOrder under contention', () => {
  it('never oversells: of 10 concurrent orders for the last 4 units, exactly 4 succeed', async () => {
    const product = await createProduct(orders.db, { stock: 4 });
    const customers = await Promise.all(Array.from({ length: 10 }, newCustomer));

    const responses = await Promise.all(customers.map(({ token }) => place(token, [{ productId: product.id, quantity: 1 }])));

    const codes = responses.map((response) => errorCode(response) ?? 'OK').sort();
    expect(codes).toEqual([...Array(4).fill('OK'), ...Array(6).fill('OUT_OF_STOCK')].sort());
    expect(await stockOf(orders.db, product.id)).toBe(0);
    expect(await orders.db.orderItem.count({ where: { productId: product.id } })).toBe(4);
  });

  it('places concurrent orders that list the same products in opposite orders without deadlocking', async () => {
    const a = await createProduct(orders.db, { stock: 100 });
    const b = await createProduct(orders.db, { stock: 100 });
    const customers = await Promise.all(Array.from({ length: 8 }, newCustomer));

    const responses = await Promise.all(
      customers.map(({ token }, index) => {
        const items = [{ productId: a.id, quantity: 1 }, { productId: b.id, quantity: 1 }];
        return place(token, index % 2 ? items.reverse() : items);
      }),
    );

    expect(responses.map(errorCode)).toEqual(Array(8).fill(undefined));
    expect(await stockOf(orders.db, a.id)).toBe(92);
    expect(await stockOf(orders.db, b.id)).toBe(92);
  });
});

describe('cancelOrder', () => {
  async function placedOrder(quantity = 3) {
    const customer = await newCustomer();
    const product = await createProduct(orders.db, { stock: 10 });
    const placed = await place(customer.token, [{ productId: product.id, quantity }]);
    return { ...customer, product, orderId: placed.data!.placeOrder.id as string };
  }

  it('cancels the order and releases its stock', async () => {
    const { token, product, orderId } = await placedOrder(3);
    expect(await stockOf(orders.db, product.id)).toBe(7);

    const response = await graphql(orders.url, CANCEL_ORDER, { id: orderId }, { token });

    expect(response.data!.cancelOrder).toEqual({ id: orderId, status: 'CANCELLED' });
    expect(await stockOf(orders.db, product.id)).toBe(10);
  });

  it('rejects cancelling twice with CONFLICT and releases stock only once', async () => {
    const { token, product, orderId } = await placedOrder(3);
    await graphql(orders.url, CANCEL_ORDER, { id: orderId }, { token });
    const before = await databaseState(orders.db);

    const response = await graphql(orders.url, CANCEL_ORDER, { id: orderId }, { token });

    expect(errorCode(response)).toBe('CONFLICT');
    expect(await databaseState(orders.db)).toEqual(before);
    expect(await stockOf(orders.db, product.id)).toBe(10);
  });

  it('releases stock once when the same order is cancelled concurrently', async () => {
    const { token, product, orderId } = await placedOrder(3);
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => graphql(orders.url, CANCEL_ORDER, { id: orderId }, { token })),
    );
    expect(responses.map((response) => errorCode(response) ?? 'OK').sort()).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'OK']);
    expect(await stockOf(orders.db, product.id)).toBe(10);
  });

  it.each([
    ['another customer', () => tokenFor(randomUUID())],
    ['an admin', () => tokenFor(randomUUID(), 'ADMIN')],
  ])("rejects %s cancelling someone else's order with FORBIDDEN and changes nothing", async (_who, token) => {
    const { orderId } = await placedOrder();
    const before = await databaseState(orders.db);
    const response = await graphql(orders.url, CANCEL_ORDER, { id: orderId }, { token: await token() });
    expect(response.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'id' });
    expect(await databaseState(orders.db)).toEqual(before);
  });

  it('rejects an unknown order with NOT_FOUND on id', async () => {
    const { token } = await newCustomer();
    const response = await graphql(orders.url, CANCEL_ORDER, { id: randomUUID() }, { token });
    expect(response.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });

  it('rejects a call without a token with UNAUTHENTICATED and changes nothing', async () => {
    const { orderId } = await placedOrder();
    const before = await databaseState(orders.db);
    const response = await graphql(orders.url, CANCEL_ORDER, { id: orderId });
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
    expect(await databaseState(orders.db)).toEqual(before);
  });
});
