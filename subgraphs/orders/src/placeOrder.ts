import { appendToOutbox, appError, badInput, notFound, type EventCause } from '@supergraph/common';
import { Prisma, type Order } from './__generated__/prisma/client.ts';
import type { OrdersDb, OrdersTx } from './db.ts';
import { orderPlaced } from './orderEvents.ts';
import type { OrderRequest } from './placeOrderInput.ts';
import { changeStock, lockProducts, type LockedProduct } from './stock.ts';

/** Totals are GraphQL `Int`s and PostgreSQL `integer`s: 32-bit signed. */
const MAX_TOTAL_CENTS = 2 ** 31 - 1;

/**
 * Places an order for `userId` and reserves its stock, all or nothing: every
 * write happens in one transaction, and any error rolls all of it back. The
 * order is PENDING: its `order.placed` starts the payment saga.
 *
 * Idempotency rests on the unique (userId, idempotencyKey) index. The order
 * row is inserted before any stock is touched, so it claims the key first:
 * a concurrent call with the same key blocks on the index until this
 * transaction ends, then fails with P2002 and answers with the order this
 * one made. If this one rolls back instead, the waiting call goes ahead as
 * if it were first. The `order.placed` event is written by the transaction
 * that places the order, so a replay never writes a second one.
 */
export async function placeOrder(db: OrdersDb, userId: string, request: OrderRequest, cause: EventCause): Promise<Order> {
  try {
    return await db.$transaction((tx) => insertOrder(tx, userId, request, cause));
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      return replayOrder(db, userId, request);
    }
    throw error;
  }
}

async function insertOrder(tx: OrdersTx, userId: string, { idempotencyKey, requestHash, items, paymentMethod }: OrderRequest, cause: EventCause) {
  const order = await tx.order.create({ data: { userId, idempotencyKey, requestHash, paymentMethod, totalCents: 0 } });
  const products = await lockProducts(tx, items.map((item) => item.productId));
  const lines = items.map((item, index) => ({ ...item, unitPriceCents: priceFor(products, item, index) }));
  const totalCents = lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
  if (totalCents > MAX_TOTAL_CENTS) {
    throw badInput('input.items', `The order total must be at most ${MAX_TOTAL_CENTS} cents.`, { max: MAX_TOTAL_CENTS });
  }
  await changeStock(tx, lines.map((line) => ({ productId: line.productId, delta: -line.quantity })));
  await tx.orderItem.createMany({ data: lines.map((line) => ({ orderId: order.id, ...line })) });
  const placed = await tx.order.update({ where: { id: order.id }, data: { totalCents } });
  await appendToOutbox(tx, cause, orderPlaced(placed, items));
  return placed;
}

/** The current price of a locked product, once it is known to exist and to have enough stock. */
function priceFor(products: Map<string, LockedProduct>, item: OrderRequest['items'][number], index: number): number {
  const product = products.get(item.productId);
  if (!product) throw notFound(`input.items.${index}.productId`, `There is no product ${item.productId}.`);
  if (product.stock < item.quantity) {
    throw appError('OUT_OF_STOCK', `Only ${product.stock} of product ${product.id} are in stock.`, {
      field: `input.items.${index}.quantity`,
      details: { available: product.stock },
    });
  }
  return product.priceCents;
}

/** A call that lost the race for its key, or a retry: the order the key already made, if it is the same order. */
async function replayOrder(db: OrdersDb, userId: string, { idempotencyKey, requestHash }: OrderRequest): Promise<Order> {
  const existing = await db.order.findUniqueOrThrow({ where: { userId_idempotencyKey: { userId, idempotencyKey } } });
  if (existing.requestHash !== requestHash) {
    throw appError('CONFLICT', 'This idempotency key was already used for a different order.', { field: 'idempotencyKey' });
  }
  return existing;
}
