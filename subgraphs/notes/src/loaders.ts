import DataLoader from 'dataloader';
import { isId, modelColumns, pageKey, type Page } from '@supergraph/common';
import type { NoteModel, TagModel } from './__generated__/prisma/models.ts';
import { Prisma } from './__generated__/prisma/client.ts';
import type { NotesDb } from './db.ts';
import { afterCursorSql, newestFirstSql, noteColumns } from './noteSql.ts';

/** One page of one author's notes, newest first. */
export interface NotesByAuthorKey {
  authorId: string;
  page: Page;
}

/**
 * Per-request loaders: one SQL query per batch, never one per item.
 * PostgreSQL returns UUIDs in lower case, so keys are matched lower-cased.
 * Written as SQL rather than with Prisma's query builder: these run on
 * nearly every request, and a raw statement skips the query compiler, about
 * half of Prisma's CPU time per call (measured in issue #10).
 */
export function createNotesLoaders(db: NotesDb) {
  return {
    noteById: new DataLoader<string, NoteModel | null>(async (ids) => {
      const valid = ids.filter(isId);
      const rows = valid.length ? await db.$queryRaw<NoteModel[]>`SELECT ${noteColumns} FROM "Note" WHERE "id" = ANY(${valid}::uuid[])` : [];
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
    }),

    tagsByNoteId: new DataLoader<string, TagModel[]>((noteIds) => loadTagsByNoteId(db, noteIds)),

    /** Rows come back with one extra row per author, for `toConnection` to tell whether more follow. */
    notesByAuthor: new DataLoader<NotesByAuthorKey, NoteModel[], string>((keys) => loadNotesByAuthor(db, keys), {
      cacheKeyFn: ({ authorId, page }) => `${authorId}|${pageKey(page)}`,
    }),

    noteCountByAuthor: new DataLoader<string, number>(async (authorIds) => {
      const valid = authorIds.filter(isId);
      const groups = valid.length
        ? await db.$queryRaw<{ authorId: string; count: number }[]>`
            SELECT "authorId", count(*)::int AS "count" FROM "Note" WHERE "authorId" = ANY(${valid}::uuid[]) GROUP BY "authorId"`
        : [];
      const counts = new Map(groups.map((group) => [group.authorId, group.count]));
      return authorIds.map((id) => counts.get(id.toLowerCase()) ?? 0);
    }),
  };
}

export type NotesLoaders = ReturnType<typeof createNotesLoaders>;

/**
 * Tags of many notes in one statement. Prisma's `include` would take two
 * (links, then tags), so the join is written by hand.
 */
async function loadTagsByNoteId(db: NotesDb, noteIds: readonly string[]): Promise<TagModel[][]> {
  const valid = noteIds.filter(isId);
  const rows = valid.length
    ? await db.$queryRaw<(TagModel & { noteId: string })[]>`
        SELECT link."noteId", ${Prisma.raw(modelColumns(Prisma.TagScalarFieldEnum, 'tag'))}
        FROM "NoteTag" link JOIN "Tag" tag ON tag."id" = link."tagId"
        WHERE link."noteId" = ANY(${valid}::uuid[])
        ORDER BY tag."nameKey", tag."id"`
    : [];
  const byNote = groupBy(rows, (row) => row.noteId, ({ noteId: _noteId, ...tag }) => tag);
  return noteIds.map((id) => byNote.get(id.toLowerCase()) ?? []);
}

/**
 * Pages of many authors' notes: one statement per distinct page (in practice
 * one per request, since every `User.notes` in an operation shares its
 * arguments). Each author gets an index scan on (authorId, createdAt, id)
 * that stops after `take + 1` rows, however many notes they have; a window
 * function (ROW_NUMBER() OVER (PARTITION BY "authorId") <= take + 1) would
 * read and number every note of every author before discarding most.
 */
async function loadNotesByAuthor(db: NotesDb, keys: readonly NotesByAuthorKey[]): Promise<NoteModel[][]> {
  const groups = new Map<string, { page: Page; authorIds: Set<string> }>();
  for (const { authorId, page } of keys) {
    if (!isId(authorId)) continue;
    const group = groups.get(pageKey(page)) ?? { page, authorIds: new Set<string>() };
    group.authorIds.add(authorId.toLowerCase());
    groups.set(pageKey(page), group);
  }
  const pages = new Map(
    await Promise.all(
      [...groups].map(async ([key, { page, authorIds }]) => {
        const rows = await db.$queryRaw<NoteModel[]>`
          SELECT page.* FROM unnest(${[...authorIds]}::uuid[]) AS author("id")
          CROSS JOIN LATERAL (
            SELECT ${noteColumns} FROM "Note"
            WHERE "Note"."authorId" = author."id" ${afterCursorSql(page.after)}
            ${newestFirstSql}
            LIMIT ${page.take + 1}
          ) page`;
        return [key, groupBy(rows, (row) => row.authorId, (row) => row)] as const;
      }),
    ),
  );
  return keys.map(({ authorId, page }) => pages.get(pageKey(page))?.get(authorId.toLowerCase()) ?? []);
}

function groupBy<T, V>(rows: T[], keyOf: (row: T) => string, valueOf: (row: T) => V): Map<string, V[]> {
  const groups = new Map<string, V[]>();
  for (const row of rows) {
    const group = groups.get(keyOf(row));
    if (group) group.push(valueOf(row));
    else groups.set(keyOf(row), [valueOf(row)]);
  }
  return groups;
}
