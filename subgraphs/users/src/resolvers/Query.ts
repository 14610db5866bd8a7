import { afterCursorWhere, newestFirst, parseId, readPage, requireViewer, toConnection, unauthenticated } from '@supergraph/common';
import type { QueryResolvers } from '../__generated__/resolvers.ts';

export const Query: QueryResolvers = {
  me: async (_parent, _args, { viewer, loaders }) => {
    const user = await loaders.userById.load(requireViewer(viewer));
    // A valid token for a deleted user is no longer a signed-in user.
    if (!user) throw unauthenticated('The signed-in user no longer exists.');
    return user;
  },

  user: (_parent, { id }, { loaders }) => loaders.userById.load(parseId(id, 'id')),

  users: async (_parent, args, { db }) => {
    const page = readPage(args);
    const rows = await db.user.findMany({ where: afterCursorWhere(page.after), orderBy: newestFirst, take: page.take + 1 });
    return toConnection(rows, page, () => db.user.count());
  },
};
