import { forbidden, unauthenticated } from '@supergraph/common';
import type { UserResolvers } from '../__generated__/resolvers.ts';

export const User: UserResolvers = {
  __resolveReference: (reference, { loaders }) => loaders.userById.load(reference.id),

  // The router already refuses anonymous readers (`@authenticated`); this
  // check stands on its own too, and adds the rule the router cannot know:
  // an address is its owner's and the admins' to read.
  email: (user, _args, { viewer }) => {
    if (!viewer) throw unauthenticated('Sign in to read e-mail addresses.');
    if (viewer.userId !== user.id && viewer.role !== 'ADMIN') throw forbidden('Only the user and admins may read this e-mail address.');
    return user.email;
  },
};
