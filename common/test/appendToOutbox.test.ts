import { once } from 'node:events';
import pg from 'pg';
import { afterEach, beforeEach, expect, it, inject } from 'vitest';
import { z } from 'zod';
import { appendToOutbox, createLogger, defineEvent, EventContractError, OUTBOX_CHANNEL, type NewEvent } from '../src/index.ts';
import { createPgPool } from '../src/pgPool.ts';
import { inOutboxTransaction, watchOutbox } from '../../test/kit/outboxEvents.ts';
import { createTestDatabase, type TestDatabase } from '../../test/kit/postgres.ts';

const thingShipped = defineEvent({
  type: 'thing.shipped',
  aggregateType: 'Thing',
  description: 'A thing left the warehouse.',
  data: z.object({ thingId: z.string(), parcel: z.object({ carrier: z.string() }) }),
});
const shipped = (version: number, data: Record<string, unknown> = { thingId: 't1', parcel: { carrier: 'post' } }) =>
  thingShipped.build({ aggregateId: 't1', aggregateVersion: version, data: data as z.input<typeof thingShipped.data> });
const cause = { actorId: 'u1', correlationId: 'req-1' };

// A fresh notes database: any subgraph's outbox table would do.
let database: TestDatabase;
let pool: pg.Pool;
beforeEach(async () => {
  database = await createTestDatabase(inject('templates').notes);
  pool = createPgPool({ connectionString: database.url, max: 2, name: 'append-to-outbox-test', logger: createLogger('append-to-outbox-test', 'silent') });
});
afterEach(async () => {
  await pool.end();
  await database.drop();
});

/** Appends `events` in a transaction of its own, counting the statements it takes. */
async function append(...events: NewEvent[]): Promise<{ statements: number }> {
  let statements = 0;
  await inOutboxTransaction(pool, (writer) =>
    appendToOutbox({ $executeRaw: (strings, ...values) => (statements++, writer.$executeRaw(strings, ...values)) }, cause, ...events),
  );
  return { statements };
}

it("writes a mutation's events in one statement, in their order, each row with its contract's type, and wakes the relays at commit", async () => {
  const listener = new pg.Client({ connectionString: database.url });
  await listener.connect();
  try {
    await listener.query(`LISTEN "${OUTBOX_CHANNEL}"`);
    const notified = once(listener, 'notification');
    const outbox = await watchOutbox({ $queryRawUnsafe: async (query, ...values) => (await pool.query(query, values)).rows as never });
    const events = [shipped(1), shipped(2), shipped(3)];

    expect(await append(...events)).toEqual({ statements: 1 });

    const written = await outbox.events();
    expect(written.map((event) => event.aggregateVersion)).toEqual([1, 2, 3]);
    for (const event of written) expect(event).toMatchObject({ type: 'thing.shipped', aggregateType: 'Thing', actorId: 'u1', correlationId: 'req-1' });
    await notified;
  } finally {
    await listener.end();
  }
});

it('writes none of the events when one breaks its contract, so the mutation fails and its transaction rolls back', async () => {
  const outbox = await watchOutbox({ $queryRawUnsafe: async (query, ...values) => (await pool.query(query, values)).rows as never });
  await expect(append(shipped(1), shipped(2, { thingId: 't1' }))).rejects.toThrow(EventContractError);
  expect(await outbox.events()).toEqual([]);
});
