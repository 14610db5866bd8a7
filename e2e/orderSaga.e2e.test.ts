import { randomUUID } from 'node:crypto';
import { PubSub } from 'graphql-subscriptions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@supergraph/common';
import { pubSubEventSource } from '@supergraph/router';
import { graphql } from '../test/kit/graphql.ts';
import { startSagaBus, type SagaBus } from '../test/kit/sagaBus.ts';
import { startStack, type TestStack } from '../test/kit/stack.ts';
import { startSubgraphForTest, type StartedSubgraph } from '../test/kit/subgraphs.ts';
import { tokenFor } from '../test/kit/tokens.ts';
import { waitFor } from '../test/kit/waitFor.ts';
import { subscribe, wsClient } from '../test/kit/wsClient.ts';

// The order saga across two databases over the real RabbitMQ: orders and
// payments consume their own durable queues on the test's exchange, the
// router serves Order.payment through federation and orderUpdated from the
// same events. Timeouts are compressed.
const PAYMENT_TIMEOUT_MS = 2_500;
const PLACE = `mutation($input: PlaceOrderInput!, $key: String!) { placeOrder(input: $input, idempotencyKey: $key) { id status } }`;
const ORDER = `query($id: ID!) { order(id: $id) { status cancelReason paymentMethod items { product { stock } } payment { status amountCents method declineReason } } }`;
const bus = new PubSub();
let saga: SagaBus;
let payments: StartedSubgraph<'payments'>;
let stack: TestStack;

beforeAll(async () => {
  saga = await startSagaBus();
  await saga.forwardTo(bus);
  payments = await startSubgraphForTest('payments', { env: { ...saga.paymentsEnv, PAYMENTS_PROVIDER_TIMEOUT_MS: '300' } });
  stack = await startStack({
    bring: ['payments'],
    env: { ...saga.ordersEnv, ORDERS_PAYMENT_TIMEOUT_MS: String(PAYMENT_TIMEOUT_MS), ORDERS_SWEEP_INTERVAL_MS: '200' },
    routerEnv: { PAYMENTS_ROUTING_URL: payments.url },
    runtime: { eventSource: pubSubEventSource(bus, createLogger('test', 'silent')) },
  });
  await Promise.all([saga.consumerReady(saga.ordersEnv.ORDERS_SAGA_QUEUE!), saga.consumerReady(saga.paymentsEnv.PAYMENTS_QUEUE!)]);
});
afterAll(async () => {
  await stack?.stop();
  await payments?.stop();
  await saga?.stop();
});

async function customer() {
  const token = await tokenFor(randomUUID());
  const product = await stack.orders.db.product.create({ data: { name: `Saga ${randomUUID().slice(0, 8)}`, priceCents: 700, stock: 10 } });
  const place = async (paymentMethod: string, quantity = 3) => {
    const response = await graphql(stack.router.url, PLACE, { input: { items: [{ productId: product.id, quantity }], paymentMethod }, key: randomUUID() }, { token });
    expect(response.errors).toBeUndefined();
    return response.data!.placeOrder.id as string;
  };
  const read = async (id: string) => (await graphql(stack.router.url, ORDER, { id }, { token })).data!.order;
  const settled = (id: string, status: string) => waitFor(`order ${id} to be ${status}`, async () => {
    const order = await read(id);
    return order.status === status && order.payment !== null && order;
  }, { timeoutMs: 20_000 });
  return { token, product, place, read, settled };
}

describe('the order saga', () => {
  it('confirms an order whose payment is authorized, and orderUpdated shows the placing then the confirmation', async () => {
    const { token, place, settled } = await customer();
    const client = wsClient(stack.router.url, token);
    const updates = subscribe(client, 'subscription { orderUpdated { id status } }');
    await waitFor('the subscription', () => stack.router.subscriptions!.subscriberCount === 1);
    await stack.router.subscriptions!.ready();

    const id = await place('pm_card_ok');
    expect(await settled(id, 'CONFIRMED')).toMatchObject({
      cancelReason: null,
      items: [{ product: { stock: 7 } }],
      payment: { status: 'AUTHORIZED', amountCents: 2100, method: 'pm_card_ok', declineReason: null },
    });
    await updates.nth(2);
    expect(updates.results.map((result) => result.extensions?.event?.type)).toEqual(['order.placed', 'order.confirmed']);
    expect(updates.results[1]).toMatchObject({ data: { orderUpdated: { id, status: 'CONFIRMED' } } });
    await waitFor('order.confirmed on the exchange', () => saga.typesFor(id).includes('order.confirmed'));
    expect(saga.typesFor(id)).toEqual(['order.placed', 'payment.authorized', 'order.confirmed']);
    await client.dispose();
  });

  it.each([
    ['pm_card_declined', 'CARD_DECLINED'],
    ['pm_card_insufficient_funds', 'INSUFFICIENT_FUNDS'],
  ])('cancels an order whose payment is declined (%s) with PAYMENT_DECLINED and releases its stock', async (method, reason) => {
    const { place, settled } = await customer();
    const id = await place(method);
    expect(await settled(id, 'CANCELLED')).toMatchObject({
      cancelReason: 'PAYMENT_DECLINED',
      items: [{ product: { stock: 10 } }],
      payment: { status: 'DECLINED', declineReason: reason },
    });
    await waitFor('order.cancelled on the exchange', () => saga.typesFor(id).includes('order.cancelled'));
    expect(saga.typesFor(id)).toEqual(['order.placed', 'payment.declined', 'order.cancelled']);
  });

  it('times out an order whose payment never answers: CANCELLED with PAYMENT_TIMEOUT, stock released, payment voided', async () => {
    const { place, settled } = await customer();
    const id = await place('pm_card_timeout');
    expect(await settled(id, 'CANCELLED')).toMatchObject({ cancelReason: 'PAYMENT_TIMEOUT', items: [{ product: { stock: 10 } }] });
    await waitFor('payment.voided on the exchange', () => saga.typesFor(id).includes('payment.voided'));
    expect(saga.typesFor(id)).toEqual(['order.placed', 'order.cancelled', 'payment.voided']);
    expect(await payments.db.payment.findUnique({ where: { orderId: id } })).toMatchObject({ status: 'VOIDED' });
  });

  it('refunds the payment of a confirmed order its customer cancels', async () => {
    const { token, place, settled, read } = await customer();
    const id = await place('pm_card_ok');
    await settled(id, 'CONFIRMED');
    const cancelled = await graphql(stack.router.url, 'mutation($id: ID!) { cancelOrder(id: $id) { status cancelReason } }', { id }, { token });
    expect(cancelled.data!.cancelOrder).toEqual({ status: 'CANCELLED', cancelReason: 'CUSTOMER' });
    await waitFor('payment.refunded on the exchange', () => saga.typesFor(id).includes('payment.refunded'));
    expect(await read(id)).toMatchObject({ items: [{ product: { stock: 10 } }], payment: { status: 'REFUNDED' } });
    expect(saga.typesFor(id)).toEqual(['order.placed', 'payment.authorized', 'order.confirmed', 'order.cancelled', 'payment.refunded']);
  });

  it('changes nothing when the same events are delivered again', async () => {
    const { place, settled, read } = await customer();
    const id = await place('pm_card_ok');
    await settled(id, 'CONFIRMED');
    await waitFor('order.confirmed on the exchange', () => saga.typesFor(id).includes('order.confirmed'));
    const before = await read(id);
    for (const event of saga.recorder.events.filter((e) => e.data.orderId === id)) {
      await saga.publish(event.type, JSON.stringify(event));
      await saga.publish(event.type, JSON.stringify(event));
    }
    // Each queue is consumed in order: once a later order has gone through, the copies have too.
    const other = await customer();
    const probe = await other.place('pm_card_ok');
    await other.settled(probe, 'CONFIRMED');
    await waitFor('the probe order.confirmed', () => saga.typesFor(probe).includes('order.confirmed'));
    expect(await read(id)).toEqual(before);
    expect(saga.typesFor(id).filter((type) => type !== 'order.placed' && type !== 'order.confirmed' && type !== 'payment.authorized')).toEqual([]);
    // The exchange saw our copies; the subgraphs wrote no event of their own in answer to them.
    const [ordersOutbox, paymentsOutbox] = await Promise.all([
      stack.orders.db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "OutboxEvent" WHERE payload->'data'->>'orderId' = $1`, id),
      payments.db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "OutboxEvent" WHERE payload->'data'->>'orderId' = $1`, id),
    ]);
    expect([ordersOutbox[0]!.n, paymentsOutbox[0]!.n]).toEqual([2, 1]);
    expect(await payments.db.payment.count({ where: { orderId: id } })).toBe(1);
  });

  it('dead-letters an order event payments cannot read, and keeps going', async () => {
    const { place, settled } = await customer();
    const dead = `${saga.paymentsEnv.PAYMENTS_QUEUE}.dead`;
    const before = await saga.messageCount(dead);
    await saga.sendToQueue(saga.paymentsEnv.PAYMENTS_QUEUE!, 'not json');
    const id = await place('pm_card_ok');
    await settled(id, 'CONFIRMED');
    await waitFor('the message in the dead-letter queue', async () => (await saga.messageCount(dead)) === before + 1);
  });
});
