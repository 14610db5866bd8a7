import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_ID_HEADER } from '@supergraph/common';
import { errorCode, graphql } from '../../../test/kit/graphql.ts';
import { watchOutbox } from '../../../test/kit/outboxEvents.ts';
import { startSubgraphForTest, type StartedSubgraph } from '../../../test/kit/subgraphs.ts';
import { tokenFor } from '../../../test/kit/tokens.ts';
import { CANCEL_ORDER, createProduct, PLACE_ORDER } from './fixtures.ts';

let orders: StartedSubgraph<'orders'>;

beforeAll(async () => {
  orders = await startSubgraphForTest('orders');
});
afterAll(() => orders?.stop());

async function newCustomer() {
  const userId = randomUUID();
  return { userId, token: await tokenFor(userId) };
}

const place = (token: string, items: { productId: string; quantity: number }[], key = randomUUID(), requestId = 'req-place') =>
  graphql(orders.url, PLACE_ORDER, { input: { items }, key }, { token, headers: { [REQUEST_ID_HEADER]: requestId } });

const watch = () => watchOutbox(orders.db);
const types = async (outbox: Awaited<ReturnType<typeof watch>>) => (await outbox.events()).map((event) => event.type);

describe('outbox events of the orders subgraph', () => {
  it('placeOrder writes one order.placed with the total and the lines, caused by the customer and the request', async () => {
    const { userId, token } = await newCustomer();
    const kettle = await createProduct(orders.db, { priceCents: 4500 });
    const filters = await createProduct(orders.db, { priceCents: 650 });
    const outbox = await watch();

    const response = await place(token, [
      { productId: kettle.id, quantity: 2 },
      { productId: filters.id, quantity: 3 },
    ]);
    const orderId = response.data!.placeOrder.id;

    expect(await outbox.events()).toEqual([
      expect.objectContaining({
        type: 'order.placed',
        aggregateType: 'Order',
        aggregateId: orderId,
        aggregateVersion: 1,
        actorId: userId,
        correlationId: 'req-place',
        causationId: null,
        data: {
          orderId,
          userId,
          totalCents: 2 * 4500 + 3 * 650,
          paymentMethod: 'pm_card_ok',
          items: [
            { productId: kettle.id, quantity: 2 },
            { productId: filters.id, quantity: 3 },
          ],
        },
      }),
    ]);
  });

  it('writes no second order.placed when the same order is retried with its key', async () => {
    const { token } = await newCustomer();
    const product = await createProduct(orders.db);
    const key = randomUUID();
    const outbox = await watch();
    const first = await place(token, [{ productId: product.id, quantity: 1 }], key, 'req-first');
    const retry = await place(token, [{ productId: product.id, quantity: 1 }], key, 'req-retry');
    expect(retry.data!.placeOrder.id).toBe(first.data!.placeOrder.id);

    const events = await outbox.events();
    expect(events.map(({ type, correlationId }) => ({ type, correlationId }))).toEqual([{ type: 'order.placed', correlationId: 'req-first' }]);
  });

  it('writes exactly one order.placed for 10 concurrent calls with one key', async () => {
    const { token } = await newCustomer();
    const product = await createProduct(orders.db, { stock: 100 });
    const key = randomUUID();
    const outbox = await watch();

    const responses = await Promise.all(Array.from({ length: 10 }, () => place(token, [{ productId: product.id, quantity: 3 }], key)));
    expect(new Set(responses.map((response) => response.data!.placeOrder.id)).size).toBe(1);

    const events = await outbox.events();
    expect(events.map((event) => event.type)).toEqual(['order.placed']);
    expect(events[0]!.aggregateId).toBe(responses[0]!.data!.placeOrder.id);
  });

  it('cancelOrder writes one order.cancelled at version 2, and a second cancel writes nothing', async () => {
    const { userId, token } = await newCustomer();
    const product = await createProduct(orders.db);
    const orderId = (await place(token, [{ productId: product.id, quantity: 1 }])).data!.placeOrder.id;
    const outbox = await watch();

    await graphql(orders.url, CANCEL_ORDER, { id: orderId }, { token, headers: { [REQUEST_ID_HEADER]: 'req-cancel' } });
    const again = await graphql(orders.url, CANCEL_ORDER, { id: orderId }, { token });
    expect(errorCode(again)).toBe('CONFLICT');

    expect(await outbox.events()).toEqual([
      expect.objectContaining({
        type: 'order.cancelled',
        aggregateId: orderId,
        aggregateVersion: 2,
        actorId: userId,
        correlationId: 'req-cancel',
        data: { orderId, userId, reason: 'CUSTOMER' },
      }),
    ]);
  });

  it('writes one order.cancelled when one order is cancelled concurrently', async () => {
    const { token } = await newCustomer();
    const product = await createProduct(orders.db);
    const orderId = (await place(token, [{ productId: product.id, quantity: 1 }])).data!.placeOrder.id;
    const outbox = await watch();
    await Promise.all(Array.from({ length: 5 }, () => graphql(orders.url, CANCEL_ORDER, { id: orderId }, { token })));
    expect(await types(outbox)).toEqual(['order.cancelled']);
  });

  describe('a rejected mutation writes no event', () => {
    it('placeOrder for more than the stock (OUT_OF_STOCK)', async () => {
      const { token } = await newCustomer();
      const scarce = await createProduct(orders.db, { stock: 2 });
      const outbox = await watch();
      expect(errorCode(await place(token, [{ productId: scarce.id, quantity: 3 }]))).toBe('OUT_OF_STOCK');
      expect(await types(outbox)).toEqual([]);
    });

    it('placeOrder with a quantity of 0 (BAD_USER_INPUT)', async () => {
      const { token } = await newCustomer();
      const product = await createProduct(orders.db);
      const outbox = await watch();
      expect(errorCode(await place(token, [{ productId: product.id, quantity: 0 }]))).toBe('BAD_USER_INPUT');
      expect(await types(outbox)).toEqual([]);
    });

    it('placeOrder of an unknown product (NOT_FOUND)', async () => {
      const { token } = await newCustomer();
      const outbox = await watch();
      expect(errorCode(await place(token, [{ productId: randomUUID(), quantity: 1 }]))).toBe('NOT_FOUND');
      expect(await types(outbox)).toEqual([]);
    });

    it('placeOrder reusing a key for a different order (CONFLICT)', async () => {
      const { token } = await newCustomer();
      const product = await createProduct(orders.db);
      const key = randomUUID();
      await place(token, [{ productId: product.id, quantity: 1 }], key);
      const outbox = await watch();
      expect(errorCode(await place(token, [{ productId: product.id, quantity: 2 }], key))).toBe('CONFLICT');
      expect(await types(outbox)).toEqual([]);
    });

    it("cancelOrder of someone else's order (FORBIDDEN)", async () => {
      const { token } = await newCustomer();
      const product = await createProduct(orders.db);
      const orderId = (await place(token, [{ productId: product.id, quantity: 1 }])).data!.placeOrder.id;
      const outbox = await watch();
      const response = await graphql(orders.url, CANCEL_ORDER, { id: orderId }, { token: (await newCustomer()).token });
      expect(errorCode(response)).toBe('FORBIDDEN');
      expect(await types(outbox)).toEqual([]);
    });
  });
});
