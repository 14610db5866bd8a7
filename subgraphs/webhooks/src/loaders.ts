import DataLoader from 'dataloader';
import { isId, pageKey, type Page } from '@supergraph/common';
import { Prisma } from './__generated__/prisma/client.ts';
import type { WebhookDeliveryModel, WebhookEndpointModel } from './__generated__/prisma/models.ts';
import type { WebhooksDb } from './db.ts';

/** One page of one parent's rows, newest first. */
export interface PageOf {
  parentId: string;
  page: Page;
}

/**
 * Per-request loaders: one SQL query per batch, never one per item.
 * PostgreSQL returns UUIDs in lower case, so keys are matched lower-cased.
 */
export function createWebhooksLoaders(db: WebhooksDb) {
  return {
    endpointById: new DataLoader<string, WebhookEndpointModel | null>(async (ids) => {
      const valid = ids.filter(isId);
      const rows = valid.length ? await db.webhookEndpoint.findMany({ where: { id: { in: valid } } }) : [];
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
    }),

    /** Rows come back with one extra row per owner, for `toConnection` to tell whether more follow. */
    endpointsByOwner: new DataLoader<PageOf, WebhookEndpointModel[], string>((keys) => loadPages(db, keys, 'WebhookEndpoint', 'ownerId'), {
      cacheKeyFn: ({ parentId, page }) => `${parentId}|${pageKey(page)}`,
    }),

    endpointCountByOwner: new DataLoader<string, number>((ownerIds) => countBy(db, ownerIds, 'WebhookEndpoint', 'ownerId')),

    deliveriesByEndpoint: new DataLoader<PageOf, WebhookDeliveryModel[], string>((keys) => loadPages(db, keys, 'WebhookDelivery', 'endpointId'), {
      cacheKeyFn: ({ parentId, page }) => `${parentId}|${pageKey(page)}`,
    }),

    deliveryCountByEndpoint: new DataLoader<string, number>((endpointIds) => countBy(db, endpointIds, 'WebhookDelivery', 'endpointId')),
  };
}

export type WebhooksLoaders = ReturnType<typeof createWebhooksLoaders>;

type Table = 'WebhookEndpoint' | 'WebhookDelivery';

/**
 * Pages of many parents' rows: one statement per distinct page. Each parent
 * gets an index scan on (parent, createdAt, id) that stops after `take + 1`
 * rows, however many it has. Table and column names are ours, never input.
 */
async function loadPages<T extends { createdAt: Date }>(db: WebhooksDb, keys: readonly PageOf[], table: Table, parentColumn: string): Promise<T[][]> {
  const groups = new Map<string, { page: Page; parentIds: Set<string> }>();
  for (const { parentId, page } of keys) {
    if (!isId(parentId)) continue;
    const group = groups.get(pageKey(page)) ?? { page, parentIds: new Set<string>() };
    group.parentIds.add(parentId.toLowerCase());
    groups.set(pageKey(page), group);
  }
  const from = Prisma.raw(`"${table}"`);
  const parent = Prisma.raw(`"${parentColumn}"`);
  const pages = new Map(
    await Promise.all(
      [...groups].map(async ([key, { page, parentIds }]) => {
        const after = page.after ? Prisma.sql`AND ("createdAt", "id") < (${page.after.createdAt}::timestamptz, ${page.after.id}::uuid)` : Prisma.empty;
        const rows = await db.$queryRaw<(T & Record<string, string>)[]>`
          SELECT page.* FROM unnest(${[...parentIds]}::uuid[]) AS parent("id")
          CROSS JOIN LATERAL (
            SELECT * FROM ${from} WHERE ${from}.${parent} = parent."id" ${after}
            ORDER BY "createdAt" DESC, "id" DESC
            LIMIT ${page.take + 1}
          ) page`;
        const byParent = new Map<string, T[]>();
        for (const row of rows) byParent.set(row[parentColumn]!, [...(byParent.get(row[parentColumn]!) ?? []), row]);
        return [key, byParent] as const;
      }),
    ),
  );
  return keys.map(({ parentId, page }) => pages.get(pageKey(page))?.get(parentId.toLowerCase()) ?? []);
}

async function countBy(db: WebhooksDb, parentIds: readonly string[], table: Table, parentColumn: string): Promise<number[]> {
  const valid = parentIds.filter(isId);
  const rows = valid.length
    ? await db.$queryRaw<{ parent: string; count: bigint }[]>`
        SELECT ${Prisma.raw(`"${parentColumn}"`)} AS parent, count(*) AS count FROM ${Prisma.raw(`"${table}"`)}
        WHERE ${Prisma.raw(`"${parentColumn}"`)} = ANY(${valid}::uuid[]) GROUP BY 1`
    : [];
  const counts = new Map(rows.map((row) => [row.parent, Number(row.count)]));
  return parentIds.map((id) => counts.get(id.toLowerCase()) ?? 0);
}
