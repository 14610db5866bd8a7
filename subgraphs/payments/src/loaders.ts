import DataLoader from 'dataloader';
import { isId } from '@supergraph/common';
import type { Payment } from './__generated__/prisma/client.ts';
import type { PaymentsDb } from './db.ts';

/** Per-request loaders: one SQL query per batch, never one per item. */
export function createPaymentsLoaders(db: PaymentsDb) {
  return {
    paymentById: new DataLoader<string, Payment | null>(async (ids) => {
      const valid = validIds(ids);
      const rows = valid.length ? await db.payment.findMany({ where: { id: { in: valid } } }) : [];
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
    }),

    // A list of orders asking for their payments is one query, however long the list.
    paymentByOrderId: new DataLoader<string, Payment | null>(async (orderIds) => {
      const valid = validIds(orderIds);
      const rows = valid.length ? await db.payment.findMany({ where: { orderId: { in: valid } } }) : [];
      const byOrder = new Map(rows.map((row) => [row.orderId, row]));
      return orderIds.map((id) => byOrder.get(id.toLowerCase()) ?? null);
    }),
  };
}

export type PaymentsLoaders = ReturnType<typeof createPaymentsLoaders>;

/** The distinct well-formed ids of a batch, lower-cased as PostgreSQL returns UUIDs; a malformed one matches nothing. */
function validIds(ids: readonly string[]): string[] {
  return [...new Set(ids.filter(isId).map((id) => id.toLowerCase()))];
}
