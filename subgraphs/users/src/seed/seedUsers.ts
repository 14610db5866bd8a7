import { DEMO_PASSWORD, demoUsers } from '@supergraph/demo';
import type { UsersDb } from '../db.ts';
import { hashPassword } from '../password.ts';

/** Inserts the demo accounts once; running it again changes nothing. */
export async function seedUsers(db: UsersDb): Promise<number> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const { count } = await db.user.createMany({
    data: demoUsers.map((user) => ({ ...user, passwordHash })),
    skipDuplicates: true,
  });
  return count;
}
