import { randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import type { EventEnvelope } from '../src/events/eventEnvelope.ts';
import { startOutboxRelay, TRY_RELAY_LOCK, type OutboxRelay, type OutboxRelayOptions } from '../src/events/outboxRelay.ts';
import { appendEvents, noteChange } from '../../test/kit/outboxEvents.ts';
import { outboxDatabasePerTest } from '../../test/kit/outboxDatabase.ts';
import { startTcpProxy } from '../../test/kit/tcpProxy.ts';
import { waitFor } from '../../test/kit/waitFor.ts';

// What a relay leaves behind when its batch fails half way or another relay
// holds the lock: its connections, the advisory lock, the rows' locks.

const logger = createLogger('outbox-relay-faults-test', 'silent');
const outbox = outboxDatabasePerTest('outbox-relay-faults-test', 4);

function relayFor(name: string, publisher: ReturnType<typeof gatedPublisher>, options: Partial<OutboxRelayOptions> = {}): OutboxRelay {
  const relay = startOutboxRelay({ databaseUrl: outbox.url, publisher: { publish: (events) => publisher.publish(events), close: async () => {} }, logger, name, listen: false, ...options });
  // stop() waits for the batch in flight: a test that failed with its gate shut must not hang here.
  outbox.cleanup(() => (publisher.open(), relay.stop()));
  return relay;
}

/** A publisher that keeps what it is given, each call announced and then held until `open()`. */
function gatedPublisher() {
  const received: EventEnvelope[] = [];
  const calls = new EventEmitter();
  let opened!: () => void;
  const gate = new Promise<void>((resolve) => (opened = resolve));
  return {
    received,
    called: () => once(calls, 'publish'),
    open: () => opened(),
    async publish(events: EventEnvelope[]) {
      calls.emit('publish');
      await gate;
      received.push(...events);
    },
  };
}

/** The relay's advisory lock, tried from a connection of the test's own. */
const relayLockIsFree = async () => {
  const client = await outbox.pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ free: boolean }>(`SELECT ${TRY_RELAY_LOCK} AS "free"`);
    return rows[0]!.free;
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
};

/** The states of the relay's pooled connections (not its LISTEN one). */
const relayConnectionStates = async (name: string) =>
  (
    await outbox.pool.query<{ state: string }>('SELECT "state" FROM pg_stat_activity WHERE "datname" = current_database() AND "application_name" = $1', [
      `outbox-relay ${name}`,
    ])
  ).rows.map(({ state }) => state);

/** Sequences of unpublished rows no other transaction has locked. */
const unlockedUnpublished = async () =>
  (await outbox.pool.query<{ sequence: string }>('SELECT "sequence" FROM "OutboxEvent" WHERE "publishedAt" IS NULL ORDER BY "sequence" FOR UPDATE SKIP LOCKED')).rows.length;

const outboxIds = async () => (await outbox.pool.query<{ id: string }>('SELECT "id"::text FROM "OutboxEvent" ORDER BY "sequence"')).rows.map(({ id }) => id);

it('a relay polling while another holds its batch open reads and locks none of the rows, so the holder skips none', async () => {
  await appendEvents(outbox.pool, ...Array.from({ length: 20 }, (_, index) => noteChange(randomUUID(), index + 1)));
  const holder = gatedPublisher();
  const holding = holder.called();
  relayFor('holder', holder, { batchSize: 5, pollIntervalMs: 5 });
  await holding;

  const other = gatedPublisher();
  other.open();
  relayFor('poller', other, { batchSize: 5, pollIntervalMs: 1 });
  // The poller's batches run every millisecond; while the holder's batch is open, each finds the lock taken.
  const commits = async () =>
    Number((await outbox.pool.query<{ xacts: string }>('SELECT xact_commit::text AS "xacts" FROM pg_stat_database WHERE datname = current_database()')).rows[0]!.xacts);
  const before = await commits();
  await waitFor('the poller to run a few hundred batches', async () => (await commits()) > before + 300);
  expect(other.received).toEqual([]);
  // Only the holder's five rows are locked: the other fifteen, never touched by the poller, are free.
  expect(await unlockedUnpublished()).toBe(15);

  holder.open();
  await waitFor('every event to be published', async () => (await outbox.pool.query('SELECT 1 FROM "OutboxEvent" WHERE "publishedAt" IS NULL')).rows.length === 0);
  const ids = [...holder.received, ...other.received].map(({ id }) => id);
  expect(new Set(ids).size).toBe(20);
  expect(ids.toSorted()).toEqual((await outboxIds()).toSorted());
});

it('rolls back a batch whose read fails after BEGIN and the lock, leaving no transaction open and the lock free', async () => {
  await appendEvents(outbox.pool, noteChange(randomUUID(), 1), noteChange(randomUUID(), 1));
  // The read of the rows fails (its column is gone); BEGIN and the lock before it in the same query succeed.
  await outbox.pool.query('ALTER TABLE "OutboxEvent" RENAME COLUMN "publishedAt" TO "sentAt"');
  const publisher = gatedPublisher();
  publisher.open();
  const relay = relayFor('half-way', publisher, { retryDelayMs: 50, maxRetryDelayMs: 50 });
  const [{ error }] = await once(relay, 'retrying');
  expect(error.message).toMatch(/publishedAt/);

  // Between retries: nothing of the failed batch is left holding anything.
  expect(await relayConnectionStates('half-way')).not.toContain('idle in transaction (aborted)');
  expect(await relayConnectionStates('half-way')).not.toContain('idle in transaction');
  expect(await relayLockIsFree()).toBe(true);

  await outbox.pool.query('ALTER TABLE "OutboxEvent" RENAME COLUMN "sentAt" TO "publishedAt"');
  await waitFor('both events to be published', () => publisher.received.length === 2);
  expect(publisher.received.map(({ id }) => id)).toEqual(await outboxIds());
});

it('rolls back a batch whose marks fail after publishing, so the rows stay unpublished and go out again, in order, and nothing is left open', async () => {
  const noteId = randomUUID();
  await appendEvents(outbox.pool, noteChange(noteId, 1), noteChange(noteId, 2), noteChange(noteId, 3));
  // The first UPDATE of the marks fails; the COMMIT after it in the same query must not run.
  // (A sequence counts the attempts: nextval survives the rollback.)
  await outbox.pool.query(`
    CREATE SEQUENCE "markAttempts";
    CREATE FUNCTION "failMark"() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF nextval('"markAttempts"') = 1 THEN RAISE EXCEPTION 'marks refused'; END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER "failMark" BEFORE UPDATE ON "OutboxEvent" FOR EACH STATEMENT EXECUTE FUNCTION "failMark"();
  `);
  const publisher = gatedPublisher();
  publisher.open();
  const relay = relayFor('marks', publisher, { retryDelayMs: 50, maxRetryDelayMs: 50 });
  const [{ error }] = await once(relay, 'retrying');
  expect(error.message).toBe('marks refused');
  expect(await relayConnectionStates('marks')).not.toContain('idle in transaction (aborted)');
  expect(await relayLockIsFree()).toBe(true);

  await waitFor('the batch to go out again', () => publisher.received.length === 6);
  await waitFor('the batch to be marked', async () => (await outbox.pool.query('SELECT 1 FROM "OutboxEvent" WHERE "publishedAt" IS NULL')).rows.length === 0);
  // At least once: the batch whose marks failed went out twice, each time whole and in order.
  expect(publisher.received.map(({ aggregateVersion }) => aggregateVersion)).toEqual([1, 2, 3, 1, 2, 3]);
});

it('a batch whose connection is cut while it publishes is rolled back by the server, goes out again whole once the database is back, and leaves the lock free', async () => {
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(outbox.url).port || 5432) });
  outbox.cleanup(() => proxy.stop());
  const throughProxy = new URL(outbox.url);
  throughProxy.host = `${proxy.host}:${proxy.port}`;
  const noteId = randomUUID();
  await appendEvents(outbox.pool, noteChange(noteId, 1), noteChange(noteId, 2));

  const publisher = gatedPublisher();
  const publishing = publisher.called();
  const relay = startOutboxRelay({
    databaseUrl: throughProxy.toString(),
    publisher: { publish: (events) => publisher.publish(events), close: async () => {} },
    logger,
    name: 'cut',
    listen: false,
    retryDelayMs: 20,
    maxRetryDelayMs: 50,
  });
  outbox.cleanup(() => (publisher.open(), relay.stop()));
  await publishing;
  proxy.block('refuse');
  // The server notices its client gone and ends the transaction: the rows and the lock are free again.
  await waitFor('the server to end the cut batch', () => relayLockIsFree());
  expect(await unlockedUnpublished()).toBe(2);

  const failed = once(relay, 'retrying');
  publisher.open();
  await failed;
  proxy.unblock();
  await waitFor('the batch to be marked', async () => (await outbox.pool.query('SELECT 1 FROM "OutboxEvent" WHERE "publishedAt" IS NULL')).rows.length === 0);
  // At least once: the cut batch's marks never committed, so it went out again, whole and in order.
  expect(publisher.received.map(({ aggregateVersion }) => aggregateVersion)).toEqual([1, 2, 1, 2]);
  expect(await relayLockIsFree()).toBe(true);
});

it('a relay that stalls mid-batch holds the others back for maxBatchMs at most: PostgreSQL ends its transaction and another relay publishes the batch', async () => {
  const noteId = randomUUID();
  await appendEvents(outbox.pool, noteChange(noteId, 1), noteChange(noteId, 2));
  // Its publisher never answers (until the test ends): a paused process, or one cut off with its connection still open.
  const stalled = gatedPublisher();
  const stalling = stalled.called();
  relayFor('stalled', stalled, { maxBatchMs: 500, pollIntervalMs: 20 });
  await stalling;
  expect(await relayLockIsFree()).toBe(false);

  const healthy = gatedPublisher();
  healthy.open();
  relayFor('healthy', healthy, { pollIntervalMs: 20 });
  await waitFor('the healthy relay to publish the stalled batch', () => healthy.received.length === 2);
  expect(healthy.received.map((event) => event.aggregateVersion)).toEqual([1, 2]);
  expect(stalled.received).toEqual([]);
});
