import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createLogger, startOutboxRelay, type EventEnvelope, type OutboxRelay } from '@supergraph/common';
import { servePGlite, type PGliteServer } from '../scripts/servePGlite.ts';
import { appendEvents, noteChange } from '../test/kit/outboxEvents.ts';
import { freshPGlite } from '../test/kit/pglite.ts';
import { waitFor } from '../test/kit/waitFor.ts';

/**
 * The outbox on npm start's embedded database: the append's data-modifying
 * WITH (with its NOTIFY) over the extended protocol, and the relay's
 * multi-statement simple queries with BEGIN and COMMIT inside, through
 * servePGlite's one shared session.
 */

const logger = createLogger('pglite-outbox-test', 'silent');
const OUTBOX_MIGRATION = new URL('../subgraphs/notes/prisma/migrations/20261122010000_outbox/migration.sql', import.meta.url);
let db: PGlite;
let server: PGliteServer;
let pool: pg.Pool;
let relays: OutboxRelay[];
const databaseUrl = () => `postgresql://postgres@${server.host}:${server.port}/postgres`;

beforeEach(async () => {
  db = await freshPGlite();
  await db.exec(await readFile(OUTBOX_MIGRATION, 'utf8'));
  server = await servePGlite(db);
  pool = new pg.Pool({ connectionString: databaseUrl(), max: 6 });
  relays = [];
});
afterEach(async () => {
  await Promise.all(relays.map((relay) => relay.stop()));
  await pool.end();
  await server.stop();
  await db.close();
});

function relay(name: string, received: EventEnvelope[], options: { batchSize?: number; failFirst?: boolean } = {}) {
  let failures = options.failFirst ? 1 : 0;
  const started = startOutboxRelay({
    databaseUrl: databaseUrl(),
    publisher: {
      publish: async (events) => {
        if (failures-- > 0) throw new Error('broker down');
        received.push(...events);
      },
      close: async () => {},
    },
    logger,
    name,
    listen: false,
    pollIntervalMs: 5,
    retryDelayMs: 10,
    maxRetryDelayMs: 20,
    batchSize: options.batchSize ?? 4,
  });
  relays.push(started);
  return started;
}

const unpublished = async () => (await pool.query('SELECT 1 FROM "OutboxEvent" WHERE "publishedAt" IS NULL')).rows.length;

it('two relays on PGlite publish what writers append, several events per mutation, each once and each aggregate in order', async () => {
  const received: EventEnvelope[] = [];
  relay('a', received);
  relay('b', received);
  const noteIds = [randomUUID(), randomUUID(), randomUUID()];
  await Promise.all(
    noteIds.map(async (noteId) => {
      for (let version = 1; version <= 30; version += 3) await appendEvents(pool, ...[0, 1, 2].map((step) => noteChange(noteId, version + step)));
    }),
  );
  await waitFor('every event to be published', async () => (await unpublished()) === 0 && received.length >= 90);

  expect(new Set(received.map(({ id }) => id)).size).toBe(90);
  expect(received).toHaveLength(90);
  for (const noteId of noteIds) {
    expect(received.filter((event) => event.aggregateId === noteId).map((event) => event.aggregateVersion)).toEqual(Array.from({ length: 30 }, (_, index) => index + 1));
  }
});

it('a batch failing on PGlite rolls back and hands the session on: other connections are served, and the batch goes out again', async () => {
  const received: EventEnvelope[] = [];
  const noteId = randomUUID();
  await appendEvents(pool, noteChange(noteId, 1), noteChange(noteId, 2));
  const failing = relay('failing', received, { failFirst: true });
  await once(failing, 'retrying');
  // The session is not left inside the failed batch's transaction: another connection writes and reads.
  await appendEvents(pool, noteChange(noteId, 3));
  await waitFor('every event to be published', async () => (await unpublished()) === 0);
  expect(received.map((event) => event.aggregateVersion)).toEqual([1, 2, 3]);
});

it("a relay's read failing half way on PGlite rolls back its BEGIN and lock, and the next batch succeeds", async () => {
  const received: EventEnvelope[] = [];
  await appendEvents(pool, noteChange(randomUUID(), 1));
  await pool.query('ALTER TABLE "OutboxEvent" RENAME COLUMN "publishedAt" TO "sentAt"');
  const failing = relay('half-way', received);
  const [{ error }] = await once(failing, 'retrying');
  expect(error.message).toMatch(/publishedAt/);
  // Were the session still in the aborted transaction, this would wait for it or fail.
  await pool.query('ALTER TABLE "OutboxEvent" RENAME COLUMN "sentAt" TO "publishedAt"');
  await waitFor('the event to be published', async () => (await unpublished()) === 0);
  expect(received).toHaveLength(1);
});
