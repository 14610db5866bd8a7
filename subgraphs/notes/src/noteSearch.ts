import type { Page } from '@supergraph/common';
import { Prisma } from './__generated__/prisma/client.ts';
import type { NoteModel } from './__generated__/prisma/models.ts';
import type { NotesDb } from './db.ts';
import { afterCursorSql, newestFirstSql, noteColumns } from './noteSql.ts';

// The expression must stay identical to the one "Note_search_idx" is built
// on (see the init migration), or PostgreSQL scans every note instead.
const matches = (query: string) =>
  Prisma.sql`to_tsvector('english', "title" || ' ' || "content") @@ websearch_to_tsquery('english', ${query})`;

/** Notes matching a full-text query, newest first, one page plus one row to tell whether more follow. */
export function findMatchingNotes(db: NotesDb, query: string, page: Page): Promise<NoteModel[]> {
  return db.$queryRaw<NoteModel[]>`
    SELECT ${noteColumns} FROM "Note"
    WHERE ${matches(query)} ${afterCursorSql(page.after)}
    ${newestFirstSql}
    LIMIT ${page.take + 1}`;
}

export async function countMatchingNotes(db: NotesDb, query: string): Promise<number> {
  const [row] = await db.$queryRaw<{ count: number }[]>`SELECT count(*)::int AS "count" FROM "Note" WHERE ${matches(query)}`;
  return row?.count ?? 0;
}
