import { defineEvent } from '@supergraph/common';
import { z } from 'zod';
import type { UserModel } from './__generated__/prisma/models.ts';

// The events the users subgraph writes to its outbox. They never carry the
// password hash: the contract has no field for it, and the outbox drops
// whatever the contract does not declare.

export const userRegisteredEvent = defineEvent({
  type: 'user.registered',
  aggregateType: 'User',
  owner: 'userId',
  description: 'Someone signed up.',
  data: z.object({
    userId: z.guid().describe('the new user'),
    email: z.string().describe('their sign-in email, as stored'),
    name: z.string().describe('their display name'),
  }),
});

export const userRegistered = (user: UserModel) =>
  userRegisteredEvent.build({ aggregateId: user.id, aggregateVersion: 1, data: { userId: user.id, email: user.email, name: user.name } });
