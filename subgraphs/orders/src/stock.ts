import type { OrdersTx } from './db.ts';

export interface LockedProduct {
  id: string;
  priceCents: number;
  stock: number;
}

/**
 * Locks products until the transaction ends and returns them by id. Rows are
 * locked in id order, whatever order the caller lists them in: two orders
 * sharing products then queue one behind the other instead of deadlocking.
 */
export async function lockProducts(tx: OrdersTx, ids: string[]): Promise<Map<string, LockedProduct>> {
  const rows = await tx.$queryRaw<LockedProduct[]>`
    SELECT id, "priceCents", stock FROM "Product" WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
  return new Map(rows.map((row) => [row.id, row]));
}

/**
 * Adds each delta to its product's stock in one statement. Callers lock the
 * products first with `lockProducts` and check the stock they read; the
 * table's CHECK (stock >= 0) would still reject an oversold product.
 */
export async function changeStock(tx: OrdersTx, changes: { productId: string; delta: number }[]): Promise<void> {
  const ids = changes.map((change) => change.productId);
  const deltas = changes.map((change) => change.delta);
  await tx.$executeRaw`
    UPDATE "Product" AS p SET stock = p.stock + v.delta
    FROM unnest(${ids}::uuid[], ${deltas}::int[]) AS v(id, delta)
    WHERE p.id = v.id`;
}
