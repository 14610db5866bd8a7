import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '@supergraph/demo';
import { watchOutbox } from '../../../test/kit/outboxEvents.ts';
import { startSubgraphForTest, type StartedSubgraph } from '../../../test/kit/subgraphs.ts';
import { waitFor } from '../../../test/kit/waitFor.ts';
import { TEST_PAYMENT_METHODS as PM, testCardProvider, type Authorization, type PaymentProvider } from '../src/index.ts';
import { orderCancelled, orderPlaced } from './orderEvents.ts';

// An order cancelled while the provider is still answering its authorization:
// the test-card provider, except that each answer waits until the test lets
// it through, so `order.cancelled` is taken in between the question and the
// answer, as it is when another payments process takes it in meanwhile.
const [alice] = demoUsers;
const PROVIDER_TIMEOUT_MS = 1_000;

const waiting = new Map<string, () => void>();
const released: { idempotencyKey: string; reference: string | null }[] = [];
const gatedProvider: PaymentProvider = {
  async authorize(request, signal): Promise<Authorization> {
    await new Promise<void>((resolve) => waiting.set(request.idempotencyKey, resolve));
    return testCardProvider.authorize(request, signal);
  },
  async release(request) {
    released.push({ idempotencyKey: request.idempotencyKey, reference: request.reference });
  },
};

let payments: StartedSubgraph<'payments'>;

beforeAll(async () => {
  payments = await startSubgraphForTest('payments', { env: { PAYMENTS_PROVIDER_TIMEOUT_MS: String(PROVIDER_TIMEOUT_MS) }, provider: gatedProvider });
});
afterAll(() => payments?.stop());

const placed = (orderId: string, paymentMethod: string) => orderPlaced(orderId, alice!.id, paymentMethod, 4200);
const cancelled = (orderId: string) => orderCancelled(orderId, alice!.id);
const paymentOf = (orderId: string) => payments.db.payment.findUnique({ where: { orderId } });

/** Takes `order.placed` in and, while the provider is answering it, `order.cancelled`; then lets the answer through. */
async function cancelWhileAuthorizing(orderId: string, method: string) {
  const place = placed(orderId, method);
  const authorizing = payments.takeIn(place);
  await waitFor('the provider to be asked', () => waiting.has(orderId));
  await payments.takeIn(cancelled(orderId));
  expect(await paymentOf(orderId)).toBeNull();
  const outbox = await watchOutbox(payments.db);
  waiting.get(orderId)!();
  await authorizing;
  return { place, outbox };
}

describe('an order cancelled while its payment is being authorized', () => {
  it('gives a late authorization back and writes payment.voided, caused by order.placed', async () => {
    const orderId = randomUUID();
    const { place, outbox } = await cancelWhileAuthorizing(orderId, PM.ok);
    const payment = await paymentOf(orderId);
    expect(payment).toMatchObject({ status: 'VOIDED', providerReference: `auth_${orderId}`, amountCents: 4200 });
    expect(released).toContainEqual({ idempotencyKey: orderId, reference: `auth_${orderId}` });
    expect(await outbox.events()).toMatchObject([
      {
        type: 'payment.voided',
        aggregateType: 'Payment',
        aggregateId: payment!.id,
        aggregateVersion: 1,
        ownerId: alice!.id,
        actorId: alice!.id,
        correlationId: 'test',
        causationId: place.id,
        data: { paymentId: payment!.id, orderId, userId: alice!.id, amountCents: 4200 },
      },
    ]);
  });

  it('voids an authorization the provider never answered, by its key, and writes payment.voided', async () => {
    const orderId = randomUUID();
    const { outbox } = await cancelWhileAuthorizing(orderId, PM.timeout);
    expect(await paymentOf(orderId)).toMatchObject({ status: 'VOIDED', providerReference: null });
    expect(released).toContainEqual({ idempotencyKey: orderId, reference: null });
    expect(await outbox.events()).toMatchObject([{ type: 'payment.voided', aggregateVersion: 1, data: { orderId } }]);
  });

  it('writes payment.declined for a decline, and nothing is given back', async () => {
    const orderId = randomUUID();
    const { outbox } = await cancelWhileAuthorizing(orderId, PM.declined);
    expect(await paymentOf(orderId)).toMatchObject({ status: 'DECLINED' });
    expect(released.filter((release) => release.idempotencyKey === orderId)).toEqual([]);
    expect(await outbox.events()).toMatchObject([{ type: 'payment.declined', data: { orderId, reason: 'CARD_DECLINED' } }]);
  });
});
