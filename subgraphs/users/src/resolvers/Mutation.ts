import { appendToOutbox, appError, signToken } from '@supergraph/common';
import { Prisma } from '../__generated__/prisma/client.ts';
import type { MutationResolvers } from '../__generated__/resolvers.ts';
import { DECOY_HASH, hashPassword, verifyPassword } from '../password.ts';
import { parseSignUp } from '../signUpInput.ts';
import { userRegistered } from '../userEvents.ts';

const emailTaken = () =>
  appError('CONFLICT', 'An account with this e-mail address already exists.', { field: 'input.email' });

export const Mutation: MutationResolvers = {
  signUp: async (_parent, { input }, { db, config, viewer, requestId }) => {
    const { email, name, password } = parseSignUp(input);
    // Hashed first (before the transaction opens: scrypt is slow on purpose
    // and needs no lock), and a taken address found by the insert itself: a
    // taken address then costs what a new one does, one scrypt and one
    // transaction, so the answer's timing does not tell which addresses have
    // accounts. The answer does (CONFLICT): see the README's security notes.
    const passwordHash = await hashPassword(password);
    try {
      const user = await db.$transaction(async (tx) => {
        const created = await tx.user.create({ data: { email, name, passwordHash } });
        await appendToOutbox(tx, { actorId: viewer?.userId ?? null, correlationId: requestId }, userRegistered(created));
        return created;
      });
      return { token: await signToken(user, config), user };
    } catch (error) {
      // The unique index on email decides, also between concurrent sign-ups for one address.
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') throw emailTaken();
      throw error;
    }
  },

  logIn: async (_parent, { input }, { db, config }) => {
    const user = await db.user.findUnique({ where: { email: input.email.trim().toLowerCase() } });
    // Always run one scrypt so an unknown e-mail is not faster than a wrong password.
    const valid = await verifyPassword(input.password, user?.passwordHash ?? DECOY_HASH);
    if (!user || !valid) {
      throw appError('UNAUTHENTICATED', 'The e-mail address or password is incorrect.', { field: 'input.password' });
    }
    return { token: await signToken(user, config), user };
  },
};
