import type { UserResolvers } from '../__generated__/resolvers.ts';

export const User: UserResolvers = {
  __resolveReference: (reference, { loaders }) => loaders.userById.load(reference.id),
};
