import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, type EventEnvelope } from '@supergraph/common';
import { errorCode, graphql } from '../../../test/kit/graphql.ts';
import { watchOutbox } from '../../../test/kit/outboxEvents.ts';
import { startSubgraphForTest, type StartedSubgraph } from '../../../test/kit/subgraphs.ts';
import { tokenFor } from '../../../test/kit/tokens.ts';
import { waitFor } from '../../../test/kit/waitFor.ts';
import { CANCEL_ORDER, createProduct, PLACE_ORDER, stockOf } from './fixtures.ts';

// The orders side of the saga, with payment outcomes fed directly (as npm
// start's in-process bus feeds them) on a real database. The timeout is
// compressed; RabbitMQ and the payments subgraph are in e2e/orderSaga.
const TIMEOUT_MS = 1_500;
let orders: StartedSubgraph<'orders'>;

beforeAll(async () => {
  orders = await startSubgraphForTest('orders', { env: { ORDERS_PAYMENT_TIMEOUT_MS: String(TIMEOUT_MS), ORDERS_SWEEP_INTERVAL_MS: '200' } });
});
afterAll(() => orders?.stop());

async function placed(quantity = 2, paymentMethod?: string) {
  const userId = randomUUID();
  const token = await tokenFor(userId);
  const product = await createProduct(orders.db, { stock: 10 });
  const input = { items: [{ productId: product.id, quantity }], ...(paymentMethod ? { paymentMethod } : {}) };
  const response = await graphql(orders.url, PLACE_ORDER, { input, key: randomUUID() }, { token });
  expect(response.errors).toBeUndefined();
  return { userId, token, productId: product.id, orderId: response.data!.placeOrder.id as string };
}

function outcome(type: 'payment.authorized' | 'payment.declined', orderId: string, userId: string): EventEnvelope {
  return createEvent(
    { type, aggregateType: 'Payment', aggregateId: randomUUID(), aggregateVersion: 1, data: { orderId, userId, paymentId: randomUUID(), amountCents: 1 }, ownerId: userId },
    { actorId: userId, correlationId: 'test', causationId: null },
  );
}
const orderOf = (orderId: string) => orders.db.order.findUniqueOrThrow({ where: { id: orderId } });
/**
 * The events of one order appended since `outbox` was watched: the sweeper
 * cancels orders earlier tests left PENDING whenever their timeout passes,
 * which may be in the middle of another test.
 */
const eventsOf = async (outbox: Awaited<ReturnType<typeof watchOutbox>>, orderId: string) => (await outbox.events()).filter((event) => event.aggregateId === orderId);

describe('placeOrder', () => {
  it('creates the order PENDING with its stock reserved and the payment method in order.placed', async () => {
    const outbox = await watchOutbox(orders.db);
    const { orderId, productId } = await placed(2, 'pm_card_declined');
    expect(await orderOf(orderId)).toMatchObject({ status: 'PENDING', paymentMethod: 'pm_card_declined', cancelReason: null });
    expect(await stockOf(orders.db, productId)).toBe(8);
    expect(await eventsOf(outbox, orderId)).toMatchObject([{ type: 'order.placed', data: { orderId, paymentMethod: 'pm_card_declined' } }]);
  });

  it('rejects an empty payment method with BAD_USER_INPUT on input.paymentMethod', async () => {
    const product = await createProduct(orders.db);
    const response = await graphql(orders.url, PLACE_ORDER, { input: { items: [{ productId: product.id, quantity: 1 }], paymentMethod: ' ' }, key: randomUUID() }, { token: await tokenFor(randomUUID()) });
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(response.errors![0]!.extensions!.field).toBe('input.paymentMethod');
  });
});

describe('payment outcomes', () => {
  it('payment.authorized confirms the order with order.confirmed at version 2, caused by the payment event', async () => {
    const { orderId, userId, productId } = await placed();
    const outbox = await watchOutbox(orders.db);
    const event = outcome('payment.authorized', orderId, userId);
    await orders.takeIn(event);
    expect(await orderOf(orderId)).toMatchObject({ status: 'CONFIRMED' });
    expect(await stockOf(orders.db, productId)).toBe(8);
    expect(await eventsOf(outbox, orderId)).toMatchObject([{ type: 'order.confirmed', aggregateVersion: 2, causationId: event.id, ownerId: userId, data: { orderId, userId } }]);
  });

  it('payment.declined cancels the order with PAYMENT_DECLINED and releases its stock', async () => {
    const { orderId, userId, productId } = await placed();
    const outbox = await watchOutbox(orders.db);
    await orders.takeIn(outcome('payment.declined', orderId, userId));
    expect(await orderOf(orderId)).toMatchObject({ status: 'CANCELLED', cancelReason: 'PAYMENT_DECLINED' });
    expect(await stockOf(orders.db, productId)).toBe(10);
    expect(await eventsOf(outbox, orderId)).toMatchObject([{ type: 'order.cancelled', aggregateVersion: 2, data: { orderId, reason: 'PAYMENT_DECLINED' } }]);
  });

  it('changes nothing when the same outcome arrives twice, even concurrently', async () => {
    const { orderId, userId, productId } = await placed();
    const outbox = await watchOutbox(orders.db);
    const event = outcome('payment.declined', orderId, userId);
    await Promise.all([orders.takeIn(event), orders.takeIn(event)]);
    await orders.takeIn(event);
    expect(await stockOf(orders.db, productId)).toBe(10);
    expect((await eventsOf(outbox, orderId)).map((e) => e.type)).toEqual(['order.cancelled']);
  });

  it('leaves a cancelled order cancelled when a late payment.authorized arrives (payments refunds it on order.cancelled)', async () => {
    const { orderId, userId, token, productId } = await placed();
    await graphql(orders.url, CANCEL_ORDER, { id: orderId }, { token });
    const outbox = await watchOutbox(orders.db);
    await orders.takeIn(outcome('payment.authorized', orderId, userId));
    expect(await orderOf(orderId)).toMatchObject({ status: 'CANCELLED', cancelReason: 'CUSTOMER' });
    expect(await stockOf(orders.db, productId)).toBe(10);
    expect(await eventsOf(outbox, orderId)).toEqual([]);
  });

  it('dead-letters an outcome that names no order (MalformedEventError)', async () => {
    const event = outcome('payment.authorized', randomUUID(), randomUUID());
    await expect(orders.takeIn({ ...event, data: {} })).rejects.toMatchObject({ name: 'MalformedEventError' });
  });
});

describe('cancelOrder', () => {
  it('cancels a CONFIRMED order with CUSTOMER, releases its stock and writes order.cancelled at version 3', async () => {
    const { orderId, userId, token, productId } = await placed();
    await orders.takeIn(outcome('payment.authorized', orderId, userId));
    const outbox = await watchOutbox(orders.db);
    const response = await graphql(orders.url, CANCEL_ORDER, { id: orderId }, { token });
    expect(response.data!.cancelOrder).toEqual({ id: orderId, status: 'CANCELLED' });
    expect(await stockOf(orders.db, productId)).toBe(10);
    expect(await eventsOf(outbox, orderId)).toMatchObject([{ type: 'order.cancelled', aggregateVersion: 3, data: { orderId, reason: 'CUSTOMER' } }]);
  });
});

describe('payment timeout', () => {
  it('cancels an order still PENDING after ORDERS_PAYMENT_TIMEOUT_MS with PAYMENT_TIMEOUT and releases its stock', async () => {
    const { orderId, productId } = await placed();
    const outbox = await watchOutbox(orders.db);
    const order = await waitFor('the timeout to cancel the order', async () => (await orderOf(orderId)).status === 'CANCELLED' && orderOf(orderId), { timeoutMs: 15_000 });
    expect(order).toMatchObject({ cancelReason: 'PAYMENT_TIMEOUT' });
    expect(Date.now() - order.createdAt.getTime()).toBeGreaterThanOrEqual(TIMEOUT_MS);
    expect(await stockOf(orders.db, productId)).toBe(10);
    expect(await eventsOf(outbox, orderId)).toMatchObject([{ type: 'order.cancelled', actorId: null, data: { orderId, reason: 'PAYMENT_TIMEOUT' } }]);
  });

  it('leaves an order that its payment confirmed in time alone', async () => {
    const { orderId, userId } = await placed();
    await orders.takeIn(outcome('payment.authorized', orderId, userId));
    await orders.db.order.update({ where: { id: orderId }, data: { createdAt: new Date(Date.now() - 10 * TIMEOUT_MS) } });
    await orders.sweeper!.sweep();
    expect(await orderOf(orderId)).toMatchObject({ status: 'CONFIRMED', cancelReason: null });
  });

  it('settles a race between the timeout and a late authorization with exactly one transition', async () => {
    for (let round = 0; round < 5; round++) {
      const { orderId, userId, productId } = await placed();
      await orders.db.order.update({ where: { id: orderId }, data: { createdAt: new Date(Date.now() - 10 * TIMEOUT_MS) } });
      const outbox = await watchOutbox(orders.db);
      await Promise.all([orders.sweeper!.sweep(), orders.takeIn(outcome('payment.authorized', orderId, userId))]);
      const events = (await eventsOf(outbox, orderId)).map((event) => event.type);
      const order = await orderOf(orderId);
      if (order.status === 'CONFIRMED') {
        expect(events).toEqual(['order.confirmed']);
        expect(await stockOf(orders.db, productId)).toBe(8);
      } else {
        expect(order.cancelReason).toBe('PAYMENT_TIMEOUT');
        expect(events).toEqual(['order.cancelled']);
        expect(await stockOf(orders.db, productId)).toBe(10);
      }
    }
  });
});

describe('payment timeout, sweeping many orders', () => {
  // An instance of its own whose sweeper runs only when told, so the sweep below is the only one.
  let quiet: StartedSubgraph<'orders'>;
  beforeAll(async () => {
    quiet = await startSubgraphForTest('orders', { env: { ORDERS_PAYMENT_TIMEOUT_MS: '3600000', ORDERS_SWEEP_INTERVAL_MS: '3600000' } });
  });
  afterAll(() => quiet?.stop());

  it('does not deadlock with orders being placed on the same products: neither the sweep nor placeOrder fails', async () => {
    const token = await tokenFor(randomUUID());
    const products = [await createProduct(quiet.db, { stock: 10_000 }), await createProduct(quiet.db, { stock: 10_000 })];
    const [low, high] = products.sort((a, b) => (a.id < b.id ? -1 : 1));
    const place = (productIds: string[]) =>
      graphql(quiet.url, PLACE_ORDER, { input: { items: productIds.map((productId) => ({ productId, quantity: 1 })) }, key: randomUUID() }, { token });
    for (let round = 0; round < 3; round++) {
      // Timed-out orders alternating between the two products, the higher id first: one sweep
      // transaction takes the products one order at a time, against placeOrder's id order.
      const stale: string[] = [];
      for (let i = 0; i < 30; i++) stale.push((await place([(i % 2 === 0 ? high : low)!.id])).data!.placeOrder.id);
      for (const [i, id] of stale.entries()) await quiet.db.order.update({ where: { id }, data: { createdAt: new Date(Date.now() - 36_000_000 + i * 1000) } });
      const [swept, ...placedNow] = await Promise.all([
        quiet.sweeper!.sweep(),
        ...Array.from({ length: 15 }, async (_, k) => {
          await new Promise((resolve) => setTimeout(resolve, k * 3));
          return place([low!.id, high!.id]);
        }),
      ]);
      expect(swept).toBe(30);
      expect(placedNow.map((response) => errorCode(response))).toEqual(placedNow.map(() => undefined));
    }
    expect(await stockOf(quiet.db, low!.id)).toBe(10_000 - 45);
    expect(await stockOf(quiet.db, high!.id)).toBe(10_000 - 45);
  }, 60_000);
});
