import pg from 'pg';
import { afterEach, beforeEach, expect, it, inject } from 'vitest';
import { createLogger } from '../src/logger.ts';
import { createPgPool } from '../src/pgPool.ts';
import { createTestDatabase, type TestDatabase } from '../../test/kit/postgres.ts';

// createPgPool runs a read again once when its connection is lost, and never a write.
// Each statement here counts its runs in a sequence (nextval survives the rollback)
// and then has its own backend terminated, as a failover would.

const logger = createLogger('pg-pool-retry-test', 'silent');
let database: TestDatabase;
let pool: pg.Pool;

beforeEach(async () => {
  database = await createTestDatabase(inject('templates').notes);
  pool = createPgPool({ connectionString: database.url, max: 2, name: 'pg-pool-retry-test', logger });
  await pool.query('CREATE SEQUENCE "runs"; CREATE TABLE "written" ("run" bigint NOT NULL)');
});
afterEach(async () => {
  await pool.end();
  await database.drop();
});

const runs = async () => Number((await pool.query<{ runs: string }>('SELECT "last_value"::text AS "runs" FROM "runs"')).rows[0]!.runs);
const TERMINATE = 'pg_terminate_backend(pg_backend_pid())';

it('runs a plain read that lost its connection once more, on a new connection', async () => {
  await expect(pool.query(`SELECT nextval('"runs"'), ${TERMINATE}`)).rejects.toThrow(/terminat/);
  expect(await runs()).toBe(2);
});

it.each([
  ['INSERT', `WITH "w" AS (INSERT INTO "written" VALUES (nextval('"runs"')) RETURNING 1) SELECT ${TERMINATE} FROM "w"`],
  ['UPDATE', `WITH "w" AS (UPDATE "written" SET "run" = nextval('"runs"') RETURNING 1) SELECT ${TERMINATE} FROM "w"`],
  ['DELETE', `WITH "w" AS (DELETE FROM "written" WHERE nextval('"runs"') > 0 RETURNING 1) SELECT ${TERMINATE} FROM "w"`],
])('never runs again a WITH that writes (%s) and lost its connection: it may have committed', async (_kind, statement) => {
  await pool.query('INSERT INTO "written" VALUES (0)');
  await expect(pool.query(statement)).rejects.toThrow(/terminat/);
  expect(await runs()).toBe(1);
});
