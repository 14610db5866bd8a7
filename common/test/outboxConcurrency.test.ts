import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import { startOutboxRelay } from '../src/events/outboxRelay.ts';
import { createRabbitPublisher } from '../src/events/rabbitPublisher.ts';
import { startEventRecorder } from '../../test/kit/eventRecorder.ts';
import { appendEvents, noteChange } from '../../test/kit/outboxEvents.ts';
import { outboxDatabasePerTest } from '../../test/kit/outboxDatabase.ts';
import { RABBITMQ_URL } from '../../test/kit/rabbitmq.ts';
import { waitFor } from '../../test/kit/waitFor.ts';

// The outbox under many writers at once: several events per mutation, several relays.

const logger = createLogger('outbox-concurrency-test', 'silent');
const outbox = outboxDatabasePerTest('outbox-concurrency-test', 20);

const versions = (count: number, from = 1) => Array.from({ length: count }, (_, index) => from + index);

it("gives a mutation's events sequences in their order while 40 other mutations append theirs at once", async () => {
  const noteIds = Array.from({ length: 40 }, () => randomUUID());
  await Promise.all(noteIds.map((noteId) => appendEvents(outbox.pool, ...versions(25).map((version) => noteChange(noteId, version)))));

  const { rows } = await outbox.pool.query<{ aggregateId: string; version: number }>(
    `SELECT "payload" ->> 'aggregateId' AS "aggregateId", ("payload" ->> 'aggregateVersion')::int AS "version" FROM "OutboxEvent" ORDER BY "sequence"`,
  );
  expect(rows).toHaveLength(40 * 25);
  for (const noteId of noteIds) expect(rows.filter((row) => row.aggregateId === noteId).map((row) => row.version)).toEqual(versions(25));
});

it('four relays on one outbox under 12 writers of 1 to 3 events per mutation publish each event once, each aggregate in order', async () => {
  const rabbit = await startEventRecorder();
  outbox.cleanup(() => rabbit.stop());
  for (let index = 0; index < 4; index++) {
    const publisher = createRabbitPublisher({ url: RABBITMQ_URL, logger, exchange: rabbit.exchange, publishTimeoutMs: 2000, reconnectDelayMs: 100 });
    const relay = startOutboxRelay({ databaseUrl: outbox.url, publisher, logger, name: `relay-${index}`, listen: index % 2 === 0, batchSize: 3, pollIntervalMs: 2 });
    outbox.cleanup(() => publisher.close(), () => relay.stop());
  }

  // Each writer changes its own note, one mutation after another (as the note's row lock would order them).
  const perNote = 60;
  const noteIds = Array.from({ length: 12 }, () => randomUUID());
  await Promise.all(
    noteIds.map(async (noteId, writer) => {
      for (let version = 1; version <= perNote; ) {
        const count = Math.min(1 + ((version + writer) % 3), perNote - version + 1);
        await appendEvents(outbox.pool, ...versions(count, version).map((v) => noteChange(noteId, v)));
        version += count;
      }
    }),
  );
  const total = noteIds.length * perNote;
  await rabbit.waitForCount(total, 60_000);
  await waitFor('every row to be marked published', async () => (await outbox.pool.query('SELECT 1 FROM "OutboxEvent" WHERE "publishedAt" IS NULL')).rows.length === 0, {
    timeoutMs: 20_000,
  });

  expect(new Set(rabbit.events.map(({ id }) => id)).size).toBe(total);
  expect(rabbit.events).toHaveLength(total);
  for (const noteId of noteIds) {
    expect(rabbit.events.filter((event) => event.aggregateId === noteId).map((event) => event.aggregateVersion)).toEqual(versions(perNote));
  }
}, 120_000);
