import { users, type User } from './catalogue.ts';

const userById = new Map(users.map((user) => [user.id, user]));

export const resolvers = {
  Query: {
    users: (_: unknown, { first, offset }: { first: number; offset: number }) =>
      Array.from({ length: Math.min(Math.max(first, 0), users.length) }, (_, i) => users[(offset + i) % users.length]),
    user: (_: unknown, { id }: { id: string }) => userById.get(id) ?? null,
  },
  User: {
    __resolveReference: ({ id }: Pick<User, 'id'>) => userById.get(id) ?? null,
  },
};
