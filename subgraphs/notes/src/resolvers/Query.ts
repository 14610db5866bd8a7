import { afterCursorWhere, newestFirst, parseId, readPage, toConnection } from '@supergraph/common';
import type { QueryResolvers } from '../__generated__/resolvers.ts';
import { noteFilterWhere } from '../noteFilter.ts';
import { countMatchingNotes, findMatchingNotes } from '../noteSearch.ts';
import { parseSearchQuery } from '../searchQuery.ts';

export const Query: QueryResolvers = {
  note: (_parent, { id }, { loaders }) => loaders.noteById.load(parseId(id, 'id')),

  notes: async (_parent, args, { db }) => {
    const page = readPage(args);
    const where = noteFilterWhere(args.filter);
    const rows = await db.note.findMany({
      where: { AND: [where, afterCursorWhere(page.after)] },
      orderBy: newestFirst,
      take: page.take + 1,
    });
    return toConnection(rows, page, () => db.note.count({ where }));
  },

  searchNotes: async (_parent, args, { db }) => {
    const query = parseSearchQuery(args.query);
    const page = readPage(args);
    const rows = await findMatchingNotes(db, query, page);
    return toConnection(rows, page, () => countMatchingNotes(db, query));
  },

  tags: async (_parent, args, { db }) => {
    const page = readPage(args);
    const rows = await db.tag.findMany({ where: afterCursorWhere(page.after), orderBy: newestFirst, take: page.take + 1 });
    return toConnection(rows, page, () => db.tag.count());
  },
};
