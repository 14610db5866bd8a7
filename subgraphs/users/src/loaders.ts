import DataLoader from 'dataloader';
import { isId } from '@supergraph/common';
import type { User } from './__generated__/prisma/client.ts';
import type { UsersDb } from './db.ts';

/** Per-request loaders: one SQL query per batch, never one per item. */
export function createUsersLoaders(db: UsersDb) {
  return {
    userById: new DataLoader<string, User | null>(async (ids) => {
      const valid = ids.filter(isId);
      const rows = valid.length ? await db.user.findMany({ where: { id: { in: valid } } }) : [];
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}

export type UsersLoaders = ReturnType<typeof createUsersLoaders>;
