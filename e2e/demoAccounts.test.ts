import { rm } from 'node:fs/promises';
import { inject, describe, expect, it } from 'vitest';
import { createLogger } from '@supergraph/common';
import { DEMO_PASSWORD, demoUsers } from '@supergraph/demo';
import { loadUsersConfig, seedUsers, startUsersSubgraph } from '@supergraph/users';
import { createUsersDb } from '../subgraphs/users/src/db.ts';
import { startSupergraph } from '../scripts/startSupergraph.ts';
import { errorCode, graphql } from '../test/kit/graphql.ts';
import { embeddedEnv } from '../test/kit/embeddedEnv.ts';
import { embeddedDataDir } from '../test/kit/pglite.ts';
import { createTestDatabase } from '../test/kit/postgres.ts';
import { newSigningSecret, TEST_JWT } from '../test/kit/tokens.ts';

// npm start makes its own signing secret; a subgraph started alone needs one in production.
const production = { NODE_ENV: 'production', JWT_SECRET: TEST_JWT.JWT_SECRET };
const productionSubgraph = { ...production, SUBGRAPH_SIGNING_SECRETS: newSigningSecret() };
const admin = demoUsers.find((user) => user.role === 'ADMIN')!;
const logIn = 'mutation($input: LogInInput!) { logIn(input: $input) { token } }';

describe('demo accounts', () => {
  it('a production npm start creates none: the admin demo login is refused', async () => {
    const dataDir = await embeddedDataDir('supergraph-production-');
    const env = embeddedEnv(dataDir, production);
    const supergraph = await startSupergraph(env, () => {});
    try {
      const response = await graphql(supergraph.url, logIn, { input: { email: admin.email, password: DEMO_PASSWORD } });
      expect(errorCode(response)).toBe('UNAUTHENTICATED');
    } finally {
      await supergraph.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('a production users subgraph refuses to start on a database holding them, unless ALLOW_DEMO_ACCOUNTS=true', async () => {
    const database = await createTestDatabase(inject('templates').users);
    const seeder = createUsersDb(database.url, 1, createLogger('seed', 'silent'));
    try {
      await seedUsers(seeder);
      const env = { ...process.env, ...productionSubgraph, USERS_DATABASE_URL: database.url, USERS_PORT: '0' };
      await expect(startUsersSubgraph(loadUsersConfig(env))).rejects.toThrow(/demo accounts .*admin@example\.com.*ALLOW_DEMO_ACCOUNTS=true/s);

      const allowed = await startUsersSubgraph(loadUsersConfig({ ...env, ALLOW_DEMO_ACCOUNTS: 'true' }));
      await allowed.stop();
    } finally {
      await seeder.$disconnect();
      await database.drop();
    }
  });
});
