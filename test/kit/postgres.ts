import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runMigrations } from '@supergraph/common';

/** The real PostgreSQL the tests run against (TOOLCHAIN.md: trust auth, user postgres). */
export const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export const SUBGRAPHS = ['users', 'notes', 'orders', 'webhooks'] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];

export const urlVariable = (name: SubgraphName) => `${name.toUpperCase()}_DATABASE_URL`;
export const subgraphDir = (name: SubgraphName) => fileURLToPath(new URL(`../../subgraphs/${name}`, import.meta.url));

export function databaseUrl(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  // A lost admin connection fails the awaited query; it must not also crash the test process.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${ADMIN_URL} (${(error as Error).message}). ` +
        'The tests need a real server; start it (see TOOLCHAIN.md) or set TEST_POSTGRES_URL.',
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export const templateName = (name: SubgraphName, runId: string) => `sg_tpl_${name}_${runId}`;

/** A migrated, empty database per subgraph that test databases are copied from. */
export async function createTemplate(name: SubgraphName, runId: string): Promise<string> {
  const database = templateName(name, runId);
  await admin((client) => client.query(`CREATE DATABASE "${database}"`));
  await runMigrations(subgraphDir(name), urlVariable(name), databaseUrl(database));
  return database;
}

export interface TestDatabase {
  url: string;
  drop: () => Promise<void>;
}

/** A fresh copy of a migrated template: cheap, so every test file gets its own. */
export async function createTestDatabase(template: string): Promise<TestDatabase> {
  const database = `${template.replace('sg_tpl_', 'sg_test_')}_${randomBytes(4).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE "${database}" TEMPLATE "${template}"`));
  return { url: databaseUrl(database), drop: () => dropDatabase(database) };
}

export async function dropDatabase(database: string): Promise<void> {
  await admin((client) => client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
}

/** Removes databases left by runs that died before their teardown. */
export async function dropStaleTestDatabases(): Promise<void> {
  await admin(async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'sg\\_tpl\\_%' OR datname LIKE 'sg\\_test\\_%'",
    );
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  });
}
