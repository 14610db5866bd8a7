import { modelColumns, type Cursor } from '@supergraph/common';
import { Prisma } from './__generated__/prisma/client.ts';

// Fragments shared by the hand-written note queries (search and per-author
// pages), which Prisma's query builder cannot express in one statement.

/** Every Note column, so raw rows have the shape of `NoteModel`. */
export const noteColumns = Prisma.raw(modelColumns(Prisma.NoteScalarFieldEnum));

/** `AND` rows after a cursor in (createdAt desc, id desc) order; a row comparison the composite indexes serve. */
export const afterCursorSql = (after: Cursor | null) =>
  after ? Prisma.sql`AND ("createdAt", "id") < (${after.createdAt}::timestamptz, ${after.id}::uuid)` : Prisma.empty;

export const newestFirstSql = Prisma.sql`ORDER BY "createdAt" DESC, "id" DESC`;
