import type { Logger } from '@supergraph/common';
import type { OrdersDb } from '../db.ts';
import { releaseOrder } from '../releaseOrder.ts';
import { lockProducts } from '../stock.ts';

export interface PaymentTimeoutSweeperOptions {
  db: OrdersDb;
  /** ORDERS_PAYMENT_TIMEOUT_MS: how long an order may wait for its payment. */
  timeoutMs: number;
  /** ORDERS_SWEEP_INTERVAL_MS: how often to look for orders that waited longer. */
  intervalMs: number;
  logger: Logger;
}

export interface PaymentTimeoutSweeper {
  /** Looks now rather than at the next interval; resolves with how many orders it cancelled. */
  sweep(): Promise<number>;
  stop(): Promise<void>;
}

/** Orders cancelled per transaction, so one sweep never holds many locks for long. */
const BATCH = 50;

/**
 * The order saga's timeout: cancels orders that stayed PENDING longer than
 * `timeoutMs` (reason PAYMENT_TIMEOUT), releasing their stock. Each order is
 * cancelled by `releaseOrder`'s conditional transition, so a payment outcome
 * arriving at the same moment either lands first (and the sweep skips the
 * order) or finds it cancelled (and changes nothing); payments refunds a
 * late authorization when it reads the `order.cancelled`. SKIP LOCKED lets
 * several orders processes sweep side by side.
 */
export function startPaymentTimeoutSweeper(options: PaymentTimeoutSweeperOptions): PaymentTimeoutSweeper {
  const { db, logger } = options;
  let stopping = false;
  let running: Promise<number> | null = null;
  let timer: NodeJS.Timeout | undefined;

  async function sweepBatch(): Promise<number> {
    return db.$transaction(async (tx) => {
      const due = await tx.$queryRaw<{ id: string }[]>`
        SELECT "id" FROM "Order"
        WHERE "status" = 'PENDING' AND "createdAt" < now() - ${options.timeoutMs} * interval '1 millisecond'
        ORDER BY "createdAt" LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`;
      // Every product of the batch is locked now, in id order, as placeOrder and cancelOrder lock
      // theirs: taken order by order, they would deadlock with an order placed on the same products.
      const items = due.length ? await tx.orderItem.findMany({ where: { orderId: { in: due.map(({ id }) => id) } }, select: { productId: true } }) : [];
      await lockProducts(tx, [...new Set(items.map((item) => item.productId))]);
      let cancelled = 0;
      for (const { id } of due) {
        const order = await releaseOrder(tx, id, { from: ['PENDING'], reason: 'PAYMENT_TIMEOUT', cause: { actorId: null, correlationId: null } });
        if (order) cancelled++;
      }
      return cancelled;
    });
  }

  async function sweepAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const cancelled = await sweepBatch();
      total += cancelled;
      if (cancelled < BATCH || stopping) break;
    }
    if (total) logger.info({ cancelled: total }, 'orders timed out waiting for their payment');
    return total;
  }

  function sweep(): Promise<number> {
    running ??= sweepAll().finally(() => {
      running = null;
    });
    return running;
  }

  function schedule() {
    if (stopping) return;
    timer = setTimeout(() => {
      sweep()
        .catch((err) => logger.warn({ err }, 'the payment timeout sweep failed; trying again at the next interval'))
        .finally(schedule);
    }, options.intervalMs);
  }

  schedule();
  return {
    sweep,
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await running?.catch(() => {});
    },
  };
}
