import type { NewEvent } from '@supergraph/common';
import type { UserModel } from './__generated__/prisma/models.ts';

// The events the users subgraph writes to its outbox; `data` follows
// common/src/events/eventCatalogue.ts. It never carries the password hash.

export const userRegistered = (user: UserModel): NewEvent => ({
  type: 'user.registered',
  aggregateId: user.id,
  aggregateVersion: 1,
  data: { userId: user.id, email: user.email, name: user.name },
});
