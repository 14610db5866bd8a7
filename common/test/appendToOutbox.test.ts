import { once } from 'node:events';
import pg from 'pg';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { appendToOutbox, defineEvent, EventContractError, OUTBOX_CHANNEL, type NewEvent } from '../src/index.ts';
import { inOutboxTransaction, watchOutbox } from '../../test/kit/outboxEvents.ts';
import { outboxDatabasePerTest } from '../../test/kit/outboxDatabase.ts';

const thingShipped = defineEvent({
  type: 'thing.shipped',
  aggregateType: 'Thing',
  description: 'A thing left the warehouse.',
  data: z.object({ thingId: z.string(), parcel: z.object({ carrier: z.string() }) }),
});
const shipped = (version: number, data: Record<string, unknown> = { thingId: 't1', parcel: { carrier: 'post' } }) =>
  thingShipped.build({ aggregateId: 't1', aggregateVersion: version, data: data as z.input<typeof thingShipped.data> });
const cause = { actorId: 'u1', correlationId: 'req-1' };

const db = outboxDatabasePerTest('append-to-outbox-test', 2);
/** The outbox from now on, read through the test's pool. */
const watching = () => watchOutbox({ $queryRawUnsafe: async (query, ...values) => (await db.pool.query(query, values)).rows as never });

/** Appends `events` in a transaction of its own, counting the statements it takes. */
async function append(...events: NewEvent[]): Promise<{ statements: number }> {
  let statements = 0;
  await inOutboxTransaction(db.pool, (writer) =>
    appendToOutbox({ $executeRaw: (strings, ...values) => (statements++, writer.$executeRaw(strings, ...values)) }, cause, ...events),
  );
  return { statements };
}

it("writes a mutation's events in one statement, in their order, each row with its contract's type, and wakes the relays at commit", async () => {
  const listener = new pg.Client({ connectionString: db.url });
  await listener.connect();
  try {
    await listener.query(`LISTEN "${OUTBOX_CHANNEL}"`);
    const notified = once(listener, 'notification');
    const outbox = await watching();
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
  const outbox = await watching();
  await expect(append(shipped(1), shipped(2, { thingId: 't1' }))).rejects.toThrow(EventContractError);
  expect(await outbox.events()).toEqual([]);
});
