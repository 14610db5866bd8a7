import { modelColumns, type Page } from '@supergraph/common';
import { Prisma, type Order } from './__generated__/prisma/client.ts';
import type { OrdersDb } from './db.ts';
import { groupBy } from './groupBy.ts';

/** Every Order column, so raw rows have the shape of `Order`. */
export const orderColumns = Prisma.raw(modelColumns(Prisma.OrderScalarFieldEnum));

/**
 * The same page of orders for many users in one statement. ROW_NUMBER()
 * ranks each user's orders newest first and only the first `take + 1`
 * survive: the extra row tells `toConnection` whether another page exists.
 * The keyset condition uses the (userId, createdAt, id) index.
 */
export async function findOrderPages(db: OrdersDb, userIds: string[], page: Page): Promise<Map<string, Order[]>> {
  const afterCursor = page.after
    ? Prisma.sql`AND ("createdAt", id) < (${page.after.createdAt}::timestamptz, ${page.after.id}::uuid)`
    : Prisma.empty;
  const rows = await db.$queryRaw<Order[]>`
    SELECT ${orderColumns}
    FROM (
      SELECT *, ROW_NUMBER() OVER (PARTITION BY "userId" ORDER BY "createdAt" DESC, id DESC) AS position
      FROM "Order"
      WHERE "userId" = ANY(${userIds}::uuid[]) ${afterCursor}
    ) AS ranked
    WHERE position <= ${page.take + 1}
    ORDER BY "userId", "createdAt" DESC, id DESC`;
  return groupBy(rows, (row) => row.userId);
}
