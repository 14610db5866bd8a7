import { readPage, toConnection } from '@supergraph/common';
import type { UserResolvers } from '../__generated__/resolvers.ts';

export const User: UserResolvers = {
  // Nothing to look up: a user with no notes is still a user, with an empty list.
  __resolveReference: (reference) => ({ id: reference.id }),

  notes: async (user, args, { loaders }) => {
    const page = readPage(args);
    const rows = await loaders.notesByAuthor.load({ authorId: user.id, page });
    return toConnection(rows, page, () => loaders.noteCountByAuthor.load(user.id));
  },

  noteCount: (user, _args, { loaders }) => loaders.noteCountByAuthor.load(user.id),
};
