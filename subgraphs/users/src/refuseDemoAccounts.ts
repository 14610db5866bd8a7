import { demoUsers } from '@supergraph/demo';
import type { UsersConfig } from './config.ts';
import type { UsersDb } from './db.ts';

/**
 * A production start refuses a database holding the demo accounts: their
 * password is public (it is in the README), and one of them is an admin.
 * ALLOW_DEMO_ACCOUNTS=true overrides this, for a public demo on purpose.
 */
export async function refuseDemoAccounts(db: UsersDb, config: UsersConfig): Promise<void> {
  if (config.NODE_ENV !== 'production' || config.ALLOW_DEMO_ACCOUNTS) return;
  const present = await db.user.findMany({ where: { id: { in: demoUsers.map((user) => user.id) } }, select: { email: true } });
  if (present.length === 0) return;
  throw new Error(
    `users: the demo accounts ${present.map((user) => user.email).join(', ')} exist in this database, and their password is public. ` +
      'A production start refuses them: delete them, or set ALLOW_DEMO_ACCOUNTS=true to run a public demo on purpose.',
  );
}
