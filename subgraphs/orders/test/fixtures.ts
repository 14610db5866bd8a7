import { randomUUID } from 'node:crypto';
import type { OrdersSubgraph } from '../src/index.ts';

type Db = OrdersSubgraph['db'];

export const PLACE_ORDER = `
  mutation PlaceOrder($input: PlaceOrderInput!, $key: String!) {
    placeOrder(input: $input, idempotencyKey: $key) {
      id status totalCents user { id }
      items { quantity unitPriceCents product { id stock } }
    }
  }`;

export const CANCEL_ORDER = `mutation CancelOrder($id: ID!) { cancelOrder(id: $id) { id status } }`;

/** A product of its own per test, so stock assertions never depend on another test. */
export async function createProduct(db: Db, fields: { stock?: number; priceCents?: number; createdAt?: Date } = {}) {
  return db.product.create({ data: { name: `Product ${randomUUID().slice(0, 8)}`, priceCents: 1000, stock: 10, ...fields } });
}

export const stockOf = async (db: Db, productId: string) =>
  (await db.product.findUniqueOrThrow({ where: { id: productId }, select: { stock: true } })).stock;

/** Everything a rejected mutation must leave alone: every order, item and stock level. */
export async function databaseState(db: Db) {
  const [orders, items, products] = await Promise.all([
    db.order.findMany({ select: { id: true, status: true, totalCents: true }, orderBy: { id: 'asc' } }),
    db.orderItem.count(),
    db.product.findMany({ select: { id: true, stock: true }, orderBy: { id: 'asc' } }),
  ]);
  return { orders, items, products };
}

/**
 * Orders written straight to the database, for tests about reading them.
 * Each is one minute older than the one before, so "newest first" is the
 * order of the returned ids.
 */
export async function insertOrders(db: Db, userId: string, count: number, productIds: string[]) {
  const start = Date.UTC(2026, 10, 1);
  const rows = Array.from({ length: count }, (_, index) => ({
    id: randomUUID(),
    userId,
    totalCents: 1000 * productIds.length,
    idempotencyKey: randomUUID(),
    requestHash: 'inserted by a test',
    paymentMethod: 'pm_card_ok',
    createdAt: new Date(start - index * 60_000),
  }));
  await db.order.createMany({ data: rows });
  await db.orderItem.createMany({
    data: rows.flatMap((order) => productIds.map((productId) => ({ orderId: order.id, productId, quantity: 1, unitPriceCents: 1000 }))),
  });
  return rows.map((order) => order.id);
}
