import { randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import type { EventEnvelope } from '../src/events/eventEnvelope.ts';
import type { EventPublisher } from '../src/events/eventPublisher.ts';
import { startOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from '../src/events/outboxRelay.ts';
import { createRabbitPublisher } from '../src/events/rabbitPublisher.ts';
import { startEventRecorder, type EventRecorder } from '../../test/kit/eventRecorder.ts';
import { appendEvents, noteChange } from '../../test/kit/outboxEvents.ts';
import { outboxDatabasePerTest } from '../../test/kit/outboxDatabase.ts';
import { RABBITMQ_URL } from '../../test/kit/rabbitmq.ts';
import { startTcpProxy } from '../../test/kit/tcpProxy.ts';

const logger = createLogger('outbox-relay-test', 'silent');
const RELAY_NAME = 'relay-test';

// Every test gets a fresh notes database (any subgraph's outbox table would
// do) and cleans up what it started, last started first.
const outbox = outboxDatabasePerTest('outbox-relay-test', 10);

function relayFor(publisher: EventPublisher, options: Partial<OutboxRelayOptions> = {}): OutboxRelay {
  const relay = startOutboxRelay({ databaseUrl: outbox.url, publisher, logger, name: RELAY_NAME, ...options });
  outbox.cleanup(() => relay.stop());
  return relay;
}

async function recorder(): Promise<EventRecorder> {
  const started = await startEventRecorder();
  outbox.cleanup(() => started.stop());
  return started;
}

function rabbitPublisher(exchange: string, url = RABBITMQ_URL) {
  const publisher = createRabbitPublisher({ url, logger, exchange, publishTimeoutMs: 1000, reconnectDelayMs: 100 });
  outbox.cleanup(() => publisher.close());
  return publisher;
}

/** A publisher that keeps what it is given, after `before` (which may throw or wait) lets it. */
function memoryPublisher(before: (events: EventEnvelope[]) => Promise<void> = async () => {}) {
  const received: EventEnvelope[] = [];
  return {
    received,
    async publish(events: EventEnvelope[]) {
      await before(events);
      received.push(...events);
    },
    close: async () => {},
  };
}

/** Counts the events a relay marks published and waits for a total: progress is observed, never slept on. */
function countPublished(...relays: OutboxRelay[]) {
  let total = 0;
  const progress = new EventEmitter();
  for (const relay of relays) {
    relay.on('published', ({ count }) => {
      total += count;
      progress.emit('progress');
    });
  }
  return {
    get total() {
      return total;
    },
    async until(expected: number, timeoutMs = 20_000) {
      const signal = AbortSignal.timeout(timeoutMs);
      while (total < expected) {
        await once(progress, 'progress', { signal }).catch(() => {
          throw new Error(`Only ${total} of ${expected} events were marked published within ${timeoutMs} ms.`);
        });
      }
    },
  };
}

/** Resolves when the relay listens and has then looked at the outbox once: from here on only a NOTIFY or a poll wakes it. */
const listeningAndIdle = (relay: OutboxRelay) =>
  new Promise<void>((resolve) => relay.once('listening', () => relay.once('idle', resolve)));

const outboxIds = async () => (await outbox.pool.query<{ id: string }>('SELECT "id"::text FROM "OutboxEvent" ORDER BY "sequence"')).rows.map(({ id }) => id);
const publishedRows = async () =>
  (await outbox.pool.query<{ count: number }>('SELECT count(*)::int AS "count" FROM "OutboxEvent" WHERE "publishedAt" IS NOT NULL')).rows[0]!.count;

/** `perAggregate` changes each of `aggregates` notes, one transaction per change, the notes side by side. */
async function writeConcurrently(aggregates: number, perAggregate: number): Promise<string[]> {
  const noteIds = Array.from({ length: aggregates }, () => randomUUID());
  await Promise.all(
    noteIds.map(async (noteId) => {
      for (let version = 1; version <= perAggregate; version++) await appendEvents(outbox.pool, noteChange(noteId, version));
    }),
  );
  return noteIds;
}

describe('startOutboxRelay', () => {
  it('publishes pending events to RabbitMQ in sequence order, in full batches, and marks them published', async () => {
    const noteIds = [randomUUID(), randomUUID(), randomUUID()];
    for (let version = 1; version <= 84; version++) await appendEvents(outbox.pool, ...noteIds.map((id) => noteChange(id, version)));
    const { rows } = await outbox.pool.query<{ payload: EventEnvelope }>('SELECT "payload" FROM "OutboxEvent" ORDER BY "sequence"');
    const rabbit = await recorder();

    const batches: number[] = [];
    const relay = relayFor(rabbitPublisher(rabbit.exchange), { listen: false, pollIntervalMs: 60_000, batchSize: 100 });
    relay.on('published', ({ count }) => batches.push(count));
    await countPublished(relay).until(252);
    await rabbit.waitForCount(252);

    expect(batches).toEqual([100, 100, 52]);
    expect(rabbit.events).toEqual(rows.map(({ payload }) => payload));
    const [first] = rabbit.messages;
    expect(first!.fields).toMatchObject({ exchange: rabbit.exchange, routingKey: 'note.updated' });
    expect(first!.properties).toMatchObject({
      messageId: rows[0]!.payload.id,
      type: 'note.updated',
      contentType: 'application/json',
      deliveryMode: 2,
      timestamp: Math.floor(Date.parse(rows[0]!.payload.occurredAt) / 1000),
      correlationId: 'test',
    });
    expect(await relay.pending()).toBe(0);
    expect(await publishedRows()).toBe(252);
  });

  it('wakes on NOTIFY at once, without waiting for its poll', async () => {
    const rabbit = await recorder();
    const relay = relayFor(rabbitPublisher(rabbit.exchange), { listen: true, pollIntervalMs: 60_000 });
    await listeningAndIdle(relay);

    // The next poll is a minute away, far past the test's timeout: only the NOTIFY can deliver this.
    await appendEvents(outbox.pool, noteChange(randomUUID(), 1));
    await rabbit.waitForCount(1);
    await countPublished(relay).until(1);
    expect(await relay.pending()).toBe(0);
  });

  it('listens again after its LISTEN connection drops, and catches up on what it missed', async () => {
    const publisher = memoryPublisher();
    const relay = relayFor(publisher, { listen: true, pollIntervalMs: 60_000 });
    await listeningAndIdle(relay);

    const relistened = listeningAndIdle(relay);
    const { rows } = await outbox.pool.query(
      'SELECT pg_terminate_backend("pid") FROM pg_stat_activity WHERE "datname" = current_database() AND "application_name" = $1',
      [`outbox-listen ${RELAY_NAME}`],
    );
    expect(rows).toHaveLength(1);
    await relistened;

    const published = countPublished(relay);
    await appendEvents(outbox.pool, noteChange(randomUUID(), 1));
    await published.until(1);
    expect(publisher.received).toHaveLength(1);
  });

  it('rolls a failed batch back and retries it after pauses that double up to the maximum', async () => {
    let failuresLeft = 3;
    const publisher = memoryPublisher(async () => {
      if (failuresLeft-- > 0) throw new Error('broker down');
    });
    await appendEvents(outbox.pool, ...Array.from({ length: 5 }, (_, index) => noteChange(randomUUID(), index + 1)));

    const relay = relayFor(publisher, { listen: false, retryDelayMs: 20, maxRetryDelayMs: 50 });
    const retries: { attempt: number; retryInMs: number; message: string }[] = [];
    relay.on('retrying', ({ attempt, retryInMs, error }) => retries.push({ attempt, retryInMs, message: error.message }));
    await countPublished(relay).until(5);

    expect(retries).toEqual([
      { attempt: 1, retryInMs: 20, message: 'broker down' },
      { attempt: 2, retryInMs: 40, message: 'broker down' },
      { attempt: 3, retryInMs: 50, message: 'broker down' },
    ]);
    expect(publisher.received.map(({ id }) => id)).toEqual(await outboxIds());
    expect(await publishedRows()).toBe(5);
  });

  it('stop() waits for the batch in flight and commits it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const calls = new EventEmitter();
    const publisher = memoryPublisher(async () => {
      calls.emit('publish');
      await gate;
    });
    await appendEvents(outbox.pool, noteChange(randomUUID(), 1));
    const publishing = once(calls, 'publish');
    const relay = relayFor(publisher, { listen: false });
    await publishing;

    let stopped = false;
    const stopping = relay.stop().then(() => (stopped = true));
    // A database round trip gives a stop() that did not wait ample time to finish.
    await outbox.pool.query('SELECT 1');
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(await publishedRows()).toBe(1);
  });

  it.each([
    ['a publisher without publish()', { publisher: {} }, /publisher must be an EventPublisher/],
    ['a batch size of 0', { batchSize: 0 }, /batchSize must be a positive integer, but got 0/],
    ['a fractional poll interval', { pollIntervalMs: 2.5 }, /pollIntervalMs must be a positive integer, but got 2.5/],
  ])('rejects %s with a TypeError that says what is wrong', (_case, options, message) => {
    const start = () => startOutboxRelay({ databaseUrl: outbox.url, publisher: memoryPublisher(), logger, name: RELAY_NAME, ...options } as OutboxRelayOptions);
    expect(start).toThrow(TypeError);
    expect(start).toThrow(message);
  });
});

describe('when RabbitMQ is unreachable', () => {
  it.each(['refuse', 'hang'] as const)(
    'keeps 200 events while the broker connections %s, then delivers each once, in order',
    async (mode) => {
      const rabbit = await recorder();
      const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(RABBITMQ_URL).port || 5672) });
      outbox.cleanup(() => proxy.stop());
      const throughProxy = new URL(RABBITMQ_URL);
      throughProxy.host = `${proxy.host}:${proxy.port}`;
      const relay = relayFor(rabbitPublisher(rabbit.exchange, throughProxy.toString()), { listen: true, maxRetryDelayMs: 500 });
      const published = countPublished(relay);

      // One event through first: the publisher holds a live connection when it is cut.
      await appendEvents(outbox.pool, noteChange(randomUUID(), 1));
      await rabbit.waitForCount(1);
      await published.until(1);

      proxy.block(mode);
      const failed = once(relay, 'retrying');
      const noteIds = [randomUUID(), randomUUID()];
      for (let version = 1; version <= 100; version++) await appendEvents(outbox.pool, ...noteIds.map((id) => noteChange(id, version)));
      await failed;
      expect(await relay.pending()).toBe(200);
      expect(await publishedRows()).toBe(1);
      expect(rabbit.messages).toHaveLength(1);

      proxy.unblock();
      await published.until(201);
      await rabbit.waitForCount(201);
      const ids = rabbit.events.map(({ id }) => id);
      expect(new Set(ids).size).toBe(201);
      expect(ids).toEqual(await outboxIds());
      expect(await relay.pending()).toBe(0);
    },
  );
});

describe('several relays on one outbox', () => {
  it('publish every event exactly once, and the events of each aggregate in order', async () => {
    const rabbit = await recorder();
    const relays = [
      relayFor(rabbitPublisher(rabbit.exchange), { listen: true, batchSize: 7 }),
      relayFor(rabbitPublisher(rabbit.exchange), { listen: true, batchSize: 7 }),
    ];
    const published = countPublished(...relays);

    const noteIds = await writeConcurrently(10, 30);
    await published.until(300);
    await rabbit.waitForCount(300);

    expect(published.total).toBe(300);
    expect(new Set(rabbit.events.map(({ id }) => id)).size).toBe(300);
    for (const noteId of noteIds) {
      const versions = rabbit.events.filter((event) => event.aggregateId === noteId).map((event) => event.aggregateVersion);
      expect(versions).toEqual(Array.from({ length: 30 }, (_, index) => index + 1));
    }
    expect(await relays[0]!.pending()).toBe(0);
  });
});
