import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import pg from 'pg';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { freePort, runService, type Service } from '../bench/processes.ts';
import { graphql } from '../test/kit/graphql.ts';
import { createTestDatabase, type TestDatabase } from '../test/kit/postgres.ts';
import { startSagaBus, type SagaBus } from '../test/kit/sagaBus.ts';
import { startSubgraphForTest } from '../test/kit/subgraphs.ts';
import { tokenFor } from '../test/kit/tokens.ts';
import { waitFor } from '../test/kit/waitFor.ts';

// A saga step's process killed at the worst moment, then started again: the
// order still ends where it should, with no stock leaked and nobody charged
// twice. The killed process runs on its own (the entry point production
// runs), with a test-only hook that SIGKILLs it at the named point.
const PLACE = 'mutation($p: ID!) { placeOrder(input: { items: [{ productId: $p, quantity: 3 }], paymentMethod: "pm_card_ok" }, idempotencyKey: "crash") { id } }';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function sagaBus(): Promise<SagaBus> {
  const bus = await startSagaBus();
  cleanups.push(() => bus.stop());
  return bus;
}

async function database(name: 'orders' | 'payments'): Promise<{ db: TestDatabase; sql: pg.Client }> {
  const db = await createTestDatabase(inject('templates')[name]);
  const sql = new pg.Client({ connectionString: db.url });
  sql.on('error', () => {});
  await sql.connect();
  cleanups.push(async () => {
    await sql.end();
    await db.drop();
  });
  return { db, sql };
}

function start(entry: string, env: NodeJS.ProcessEnv): Service {
  const service = runService(entry, { ...process.env, ...env });
  cleanups.push(() => service.stop());
  return service;
}

async function killedBy(service: Service): Promise<NodeJS.Signals | null> {
  if (service.child.exitCode === null && service.child.signalCode === null) await once(service.child, 'exit');
  return service.child.signalCode;
}

const one = async <T>(sql: pg.Client, text: string, values: unknown[] = []) => (await sql.query(text, values)).rows[0] as T;

describe('the order saga after a crash or an outage', () => {
  it('ends consistent when payments is killed between authorizing and publishing', async () => {
    const saga = await sagaBus();
    const orders = await startSubgraphForTest('orders', { env: saga.ordersEnv });
    cleanups.push(() => orders.stop());
    const { db: paymentsDb, sql } = await database('payments');
    const paymentsEnv = { ...saga.paymentsEnv, PAYMENTS_DATABASE_URL: paymentsDb.url, PAYMENTS_PORT: String(await freePort()) };
    // No relay pass after its first: the event stays in the outbox when the process dies.
    const crashing = start('subgraphs/payments/src/main.ts', { ...paymentsEnv, PAYMENTS_CRASH_AFTER: 'authorize', OUTBOX_LISTEN: 'false', OUTBOX_POLL_INTERVAL_MS: '600000' });
    await saga.consumerReady(saga.paymentsEnv.PAYMENTS_QUEUE!);

    const token = await tokenFor(randomUUID());
    const product = await orders.db.product.create({ data: { name: 'Crash', priceCents: 500, stock: 10 } });
    const placed = await graphql(orders.url, PLACE, { p: product.id }, { token });
    const orderId = placed.data!.placeOrder.id as string;
    expect(await killedBy(crashing)).toBe('SIGKILL');

    // Authorized and committed with its event, which never left: the order still waits.
    expect(await one(sql, `SELECT status FROM "Payment" WHERE "orderId" = $1`, [orderId])).toEqual({ status: 'AUTHORIZED' });
    expect(await one(sql, `SELECT count(*)::int AS n FROM "OutboxEvent" WHERE type = 'payment.authorized' AND "publishedAt" IS NULL`)).toEqual({ n: 1 });
    expect((await orders.db.order.findUniqueOrThrow({ where: { id: orderId } })).status).toBe('PENDING');

    start('subgraphs/payments/src/main.ts', paymentsEnv);
    await waitFor('the order to be confirmed', async () => (await orders.db.order.findUniqueOrThrow({ where: { id: orderId } })).status === 'CONFIRMED', { timeoutMs: 20_000 });
    // The unacked order.placed came back to the restarted process; a later order proves it went through.
    const probe = await orders.db.product.create({ data: { name: 'Probe', priceCents: 100, stock: 1 } });
    const probeId = (await graphql(orders.url, PLACE.replace('quantity: 3', 'quantity: 1').replace('"crash"', '"probe"'), { p: probe.id }, { token })).data!.placeOrder.id;
    await waitFor('the probe order to be confirmed', async () => (await orders.db.order.findUniqueOrThrow({ where: { id: probeId } })).status === 'CONFIRMED', { timeoutMs: 20_000 });

    expect(await one(sql, `SELECT count(*)::int AS n, min(status::text) AS status FROM "Payment" WHERE "orderId" = $1`, [orderId])).toEqual({ n: 1, status: 'AUTHORIZED' });
    expect(await one(sql, `SELECT count(*)::int AS n FROM "OutboxEvent" WHERE type = 'payment.authorized' AND payload->'data'->>'orderId' = $1`, [orderId])).toEqual({ n: 1 });
    expect((await orders.db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(7);
    await waitFor('order.confirmed on the exchange', () => saga.typesFor(orderId).includes('order.confirmed'));
    expect(saga.typesFor(orderId)).toEqual(['order.placed', 'payment.authorized', 'order.confirmed']);
  });

  it('ends consistent when orders is killed between receiving the authorization and confirming', async () => {
    const saga = await sagaBus();
    const payments = await startSubgraphForTest('payments', { env: saga.paymentsEnv });
    cleanups.push(() => payments.stop());
    const { db: ordersDb, sql } = await database('orders');
    const port = await freePort();
    const ordersEnv = { ...saga.ordersEnv, ORDERS_DATABASE_URL: ordersDb.url, ORDERS_PORT: String(port) };
    const url = `http://127.0.0.1:${port}/graphql`;
    const crashing = start('subgraphs/orders/src/main.ts', { ...ordersEnv, ORDERS_CRASH_BEFORE: 'confirm' });
    await saga.consumerReady(saga.ordersEnv.ORDERS_SAGA_QUEUE!);

    const { id: productId } = await one<{ id: string }>(sql, `INSERT INTO "Product" (id, name, "priceCents", stock) VALUES (gen_random_uuid(), 'Crash', 500, 10) RETURNING id`);
    const placed = await graphql(url, PLACE, { p: productId }, { token: await tokenFor(randomUUID()) });
    expect(placed.errors).toBeUndefined();
    const orderId = placed.data!.placeOrder.id as string;
    expect(await killedBy(crashing)).toBe('SIGKILL');

    const state = () => one<{ status: string; stock: number }>(sql, `SELECT o.status::text, p.stock FROM "Order" o, "Product" p WHERE o.id = $1 AND p.id = $2`, [orderId, productId]);
    expect(await state()).toEqual({ status: 'PENDING', stock: 7 });
    expect(saga.typesFor(orderId)).not.toContain('order.confirmed');

    start('subgraphs/orders/src/main.ts', ordersEnv);
    await waitFor('the order to be confirmed', async () => (await state()).status === 'CONFIRMED', { timeoutMs: 20_000 });
    await waitFor('order.confirmed on the exchange', () => saga.typesFor(orderId).includes('order.confirmed'));
    expect(await state()).toEqual({ status: 'CONFIRMED', stock: 7 });
    expect(saga.typesFor(orderId)).toEqual(['order.placed', 'payment.authorized', 'order.confirmed']);
    expect(await payments.db.payment.count({ where: { orderId } })).toBe(1);
  });

  it('refunds an authorization that arrives after the timeout cancelled its order', async () => {
    const saga = await sagaBus();
    const orders = await startSubgraphForTest('orders', { env: { ...saga.ordersEnv, ORDERS_PAYMENT_TIMEOUT_MS: '1000', ORDERS_SWEEP_INTERVAL_MS: '200' } });
    cleanups.push(() => orders.stop());
    const { db: paymentsDb, sql } = await database('payments');
    const paymentsEnv = { ...saga.paymentsEnv, PAYMENTS_DATABASE_URL: paymentsDb.url, PAYMENTS_PORT: String(await freePort()) };
    // Payments declares its queue, then is down while the order waits for it.
    const first = start('subgraphs/payments/src/main.ts', paymentsEnv);
    await saga.consumerReady(saga.paymentsEnv.PAYMENTS_QUEUE!);
    await first.stop();

    const product = await orders.db.product.create({ data: { name: 'Late', priceCents: 500, stock: 10 } });
    const placed = await graphql(orders.url, PLACE, { p: product.id }, { token: await tokenFor(randomUUID()) });
    const orderId = placed.data!.placeOrder.id as string;
    await waitFor('the timeout to cancel the order', async () => (await orders.db.order.findUniqueOrThrow({ where: { id: orderId } })).status === 'CANCELLED', { timeoutMs: 20_000 });

    start('subgraphs/payments/src/main.ts', paymentsEnv);
    await waitFor('payment.refunded on the exchange', () => saga.typesFor(orderId).includes('payment.refunded'), { timeoutMs: 20_000 });
    expect(saga.typesFor(orderId)).toEqual(['order.placed', 'order.cancelled', 'payment.authorized', 'payment.refunded']);
    expect(await one(sql, `SELECT status::text FROM "Payment" WHERE "orderId" = $1`, [orderId])).toEqual({ status: 'REFUNDED' });
    expect(await orders.db.order.findUniqueOrThrow({ where: { id: orderId } })).toMatchObject({ status: 'CANCELLED', cancelReason: 'PAYMENT_TIMEOUT' });
    expect((await orders.db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(10);
  });
});
