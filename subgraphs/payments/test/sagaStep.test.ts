import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '@supergraph/demo';
import { errorCode, graphql } from '../../../test/kit/graphql.ts';
import { watchOutbox } from '../../../test/kit/outboxEvents.ts';
import { startSubgraphForTest, type StartedSubgraph } from '../../../test/kit/subgraphs.ts';
import { tokenFor } from '../../../test/kit/tokens.ts';
import { TEST_PAYMENT_METHODS as PM } from '../src/index.ts';
import { orderCancelled, orderPlaced } from './orderEvents.ts';

// The saga step fed directly (as npm start's in-process bus feeds it), on a
// real database: what each order event leaves behind, and that the same
// event twice leaves nothing more. RabbitMQ is covered by e2e/orderSaga.
const [alice, bob] = demoUsers;
let payments: StartedSubgraph<'payments'>;

beforeAll(async () => {
  payments = await startSubgraphForTest('payments', { env: { PAYMENTS_PROVIDER_TIMEOUT_MS: '200' } });
});
afterAll(() => payments?.stop());

const placed = (orderId: string, paymentMethod: string, totalCents = 1234) => orderPlaced(orderId, alice!.id, paymentMethod, totalCents);
const cancelled = (orderId: string) => orderCancelled(orderId, alice!.id);
const paymentOf = (orderId: string) => payments.db.payment.findUnique({ where: { orderId } });

describe('order.placed', () => {
  it('authorizes pm_card_ok and writes payment.authorized, caused by the order event', async () => {
    const orderId = randomUUID();
    const outbox = await watchOutbox(payments.db);
    const event = placed(orderId, PM.ok);
    await payments.takeIn(event);
    expect(await paymentOf(orderId)).toMatchObject({ status: 'AUTHORIZED', amountCents: 1234, method: PM.ok, userId: alice!.id });
    const events = await outbox.events();
    expect(events).toMatchObject([{ type: 'payment.authorized', ownerId: alice!.id, causationId: event.id, correlationId: 'test', data: { orderId, amountCents: 1234 } }]);
  });

  it.each([
    [PM.declined, 'CARD_DECLINED'],
    [PM.insufficientFunds, 'INSUFFICIENT_FUNDS'],
    ['pm_unknown_token', 'CARD_DECLINED'],
  ])('declines %s as %s and writes payment.declined', async (method, reason) => {
    const orderId = randomUUID();
    const outbox = await watchOutbox(payments.db);
    await payments.takeIn(placed(orderId, method));
    expect(await paymentOf(orderId)).toMatchObject({ status: 'DECLINED', declineReason: reason });
    expect(await outbox.events()).toMatchObject([{ type: 'payment.declined', data: { orderId, reason } }]);
  });

  it('records pm_card_timeout as TIMED_OUT after PAYMENTS_PROVIDER_TIMEOUT_MS, with no event (the orders saga times the order out)', async () => {
    const orderId = randomUUID();
    const outbox = await watchOutbox(payments.db);
    await payments.takeIn(placed(orderId, PM.timeout));
    expect(await paymentOf(orderId)).toMatchObject({ status: 'TIMED_OUT' });
    expect(await outbox.events()).toEqual([]);
  });

  it('changes nothing when the same event arrives twice, or a second order.placed for the same order', async () => {
    const orderId = randomUUID();
    const event = placed(orderId, PM.ok);
    await payments.takeIn(event);
    const first = await paymentOf(orderId);
    const outbox = await watchOutbox(payments.db);
    await payments.takeIn(event);
    await payments.takeIn(placed(orderId, PM.declined));
    expect(await paymentOf(orderId)).toEqual(first);
    expect(await outbox.events()).toEqual([]);
    expect(await payments.db.payment.count({ where: { orderId } })).toBe(1);
  });

  it('takes concurrent deliveries of one event in once', async () => {
    const orderId = randomUUID();
    const outbox = await watchOutbox(payments.db);
    const event = placed(orderId, PM.ok);
    await Promise.all([payments.takeIn(event), payments.takeIn(event), payments.takeIn(event)]);
    expect(await outbox.events()).toHaveLength(1);
  });
});

describe('order.cancelled', () => {
  it('refunds an authorized payment with payment.refunded, once however often it arrives', async () => {
    const orderId = randomUUID();
    await payments.takeIn(placed(orderId, PM.ok));
    const outbox = await watchOutbox(payments.db);
    const event = cancelled(orderId);
    await payments.takeIn(event);
    await payments.takeIn(event);
    await payments.takeIn(cancelled(orderId));
    expect(await paymentOf(orderId)).toMatchObject({ status: 'REFUNDED' });
    expect(await outbox.events()).toMatchObject([{ type: 'payment.refunded', causationId: event.id, data: { orderId, amountCents: 1234 } }]);
  });

  it('voids a payment the provider never answered, with payment.voided', async () => {
    const orderId = randomUUID();
    await payments.takeIn(placed(orderId, PM.timeout));
    const outbox = await watchOutbox(payments.db);
    await payments.takeIn(cancelled(orderId));
    expect(await paymentOf(orderId)).toMatchObject({ status: 'VOIDED' });
    expect(await outbox.events()).toMatchObject([{ type: 'payment.voided', data: { orderId } }]);
  });

  it('leaves a declined payment as it is', async () => {
    const orderId = randomUUID();
    await payments.takeIn(placed(orderId, PM.declined));
    const outbox = await watchOutbox(payments.db);
    await payments.takeIn(cancelled(orderId));
    expect(await paymentOf(orderId)).toMatchObject({ status: 'DECLINED' });
    expect(await outbox.events()).toEqual([]);
  });

  it('makes a later order.placed for the cancelled order authorize nothing', async () => {
    const orderId = randomUUID();
    const outbox = await watchOutbox(payments.db);
    await payments.takeIn(cancelled(orderId));
    await payments.takeIn(placed(orderId, PM.ok));
    expect(await paymentOf(orderId)).toBeNull();
    expect(await outbox.events()).toEqual([]);
  });
});

describe('reading payments', () => {
  it('serves Order.payment by federation to the customer and admins, FORBIDDEN to others', async () => {
    const orderId = randomUUID();
    await payments.takeIn(placed(orderId, PM.ok));
    const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id payment { status amountCents method order { id } } } } }';
    const representations = [{ __typename: 'Order', id: orderId }];
    const own = await graphql(payments.url, query, { r: representations }, { token: await tokenFor(alice!.id) });
    expect(own.data!._entities).toEqual([{ id: orderId, payment: { status: 'AUTHORIZED', amountCents: 1234, method: PM.ok, order: { id: orderId } } }]);
    const admin = await graphql(payments.url, query, { r: representations }, { token: await tokenFor(bob!.id, 'ADMIN') });
    expect(admin.data!._entities[0].payment.status).toBe('AUTHORIZED');
    const other = await graphql(payments.url, query, { r: representations }, { token: await tokenFor(bob!.id) });
    expect(errorCode(other)).toBe('FORBIDDEN');
  });

  it('answers null for an order that has no payment yet', async () => {
    const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { payment { id } } } }';
    const response = await graphql(payments.url, query, { r: [{ __typename: 'Order', id: randomUUID() }] }, { token: await tokenFor(alice!.id) });
    expect(response.data!._entities).toEqual([{ payment: null }]);
  });

  it('loads the payments of many orders in one query', async () => {
    const orderIds = [randomUUID(), randomUUID(), randomUUID()];
    for (const orderId of orderIds) await payments.takeIn(placed(orderId, PM.ok));
    let selects = 0;
    payments.db.$on('query', (event) => {
      if (/SELECT .* FROM "public"\."Payment"/.test(event.query)) selects++;
    });
    const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { payment { status } } } }';
    const response = await graphql(payments.url, query, { r: orderIds.map((id) => ({ __typename: 'Order', id })) }, { token: await tokenFor(alice!.id) });
    expect(response.data!._entities).toHaveLength(3);
    expect(selects).toBe(1);
  });
});
