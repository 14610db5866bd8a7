import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Logger } from '../logger.ts';
import { createPgPool } from '../pgPool.ts';
import type { EventEnvelope } from './eventEnvelope.ts';
import type { EventPublisher } from './eventPublisher.ts';
import { OUTBOX_CHANNEL } from './outbox.ts';
import { publishTraced } from './publishTraced.ts';

export interface OutboxRelayOptions {
  /** The subgraph's own database, whose "OutboxEvent" table is relayed. */
  databaseUrl: string;
  publisher: EventPublisher;
  logger: Logger;
  /** The subgraph whose outbox this is, for logs and the connections' application_name (`outbox-relay <name>`, `outbox-listen <name>`). */
  name: string;
  /** LISTEN for the NOTIFY committing mutations send, and relay at once. @default true */
  listen?: boolean;
  /** How often to look for events when nothing woke the relay, in ms. @default 1000 */
  pollIntervalMs?: number;
  /** Events published and marked per transaction. @default 100 */
  batchSize?: number;
  /** Pause after the first failed batch, doubling with each further failure, in ms. @default 100 */
  retryDelayMs?: number;
  /**
   * The longest pause between retries, in ms. Short, so the relay is back
   * within a second of its database or broker. @default 1000
   */
  maxRetryDelayMs?: number;
  /**
   * How long a batch's transaction may sit waiting on the publisher before
   * PostgreSQL ends it (`idle_in_transaction_session_timeout`), releasing the
   * lock and the rows: a relay that vanishes mid-batch without its
   * connection closing (a network partition, a paused process) would
   * otherwise hold every other relay back until TCP gives up on it, hours by
   * default. Longer than the publisher's own timeout. @default 60000
   */
  maxBatchMs?: number;
}

export interface OutboxRelayEvents {
  /** A batch was accepted by the publisher and marked published. */
  published: [batch: { count: number; lastSequence: string }];
  /** A batch failed and was rolled back; its rows are retried after `retryInMs`. */
  retrying: [failure: { error: Error; attempt: number; retryInMs: number }];
  /** LISTEN is in place (again); a pass over the outbox follows. */
  listening: [];
  /** Nothing was left to publish; the relay waits for a NOTIFY or the next poll. */
  idle: [];
}

/** First key of the relay's advisory lock (the second is the table's oid): "ob" for outbox. */
const RELAY_LOCK_CLASS = 0x6f62;

/** Takes the relay's advisory lock for the transaction, if no other relay holds it: true when it did. */
export const TRY_RELAY_LOCK = `pg_try_advisory_xact_lock(${RELAY_LOCK_CLASS}, '"OutboxEvent"'::regclass::oid::int)`;

/**
 * Moves events from a subgraph's outbox table to the event bus, in
 * `sequence` order, marking each published only after the publisher
 * accepted it (for RabbitMQ: after the broker's confirm).
 *
 * Each batch is one transaction that first takes an advisory lock keyed on
 * the table, so of several relays on one database (replicas of a subgraph)
 * only one publishes at a time and batches never interleave. A mutation
 * still open when a batch is read may commit later with a lower sequence
 * and leave in a later batch, but only for another aggregate: mutations
 * append their events after writing (and so locking) the aggregate's row,
 * so the events of one aggregate get their sequences in commit order and
 * leave in that order.
 *
 * When publishing fails the transaction rolls back, the rows stay
 * unpublished and the batch is retried with exponential backoff: nothing is
 * lost, though a batch whose confirms were lost may go out twice (consumers
 * drop duplicates by event id). The publisher must settle in bounded time
 * (the RabbitMQ one times out): the batch's transaction stays open meanwhile.
 */
export class OutboxRelay extends EventEmitter<OutboxRelayEvents> {
  private readonly options: Required<OutboxRelayOptions>;
  private readonly logger: Logger;
  private readonly pool: pg.Pool;
  private stopping = false;
  private stopped?: Promise<void>;
  /** Set by a NOTIFY (or a new LISTEN); a pass that starts after it sees the rows it announced. */
  private signalled = true;
  private readonly sleepers = new Set<{ wakeable: boolean; wake: () => void }>();
  private listener?: pg.Client;
  private running?: Promise<void>;
  private listening?: Promise<void>;
  /**
   * BEGIN, the bound on the batch (maxBatchMs), the lock, and the oldest
   * unpublished rows in one round trip (a simple query may hold several
   * statements). The rows are read only under the lock: the same lock is
   * taken again in their WHERE (an advisory lock is re-entrant within its
   * transaction, and a one-row subquery is evaluated once), so a relay
   * without it locks none of them and cannot make the one that holds it
   * skip, and so reorder, any. The first SELECT says whether the lock was
   * free when no rows come back.
   */
  private readonly readBatch: string;

  constructor(options: OutboxRelayOptions) {
    super();
    this.options = validateOptions(options);
    this.logger = options.logger.child({ component: 'outbox-relay' });
    this.pool = createPgPool({ connectionString: options.databaseUrl, max: 2, name: `outbox-relay ${options.name}`, logger: this.logger });
    this.readBatch = `BEGIN;
      SET LOCAL idle_in_transaction_session_timeout = ${this.options.maxBatchMs};
      SELECT ${TRY_RELAY_LOCK} AS "acquired";
      SELECT "sequence", "payload" FROM "OutboxEvent" WHERE "publishedAt" IS NULL AND (SELECT ${TRY_RELAY_LOCK})
      ORDER BY "sequence" LIMIT ${this.options.batchSize} FOR UPDATE SKIP LOCKED`;
  }

  /** Starts relaying; called once, by `startOutboxRelay`. */
  start(): this {
    if (this.running) throw new TypeError('OutboxRelay: start() was already called.');
    this.running = this.relayUntilStopped();
    if (this.options.listen) this.listening = this.listenUntilStopped();
    return this;
  }

  /** Events not yet published: for health checks and tests. */
  async pending(): Promise<number> {
    const { rows } = await this.pool.query<{ count: number }>(
      'SELECT count(*)::int AS "count" FROM "OutboxEvent" WHERE "publishedAt" IS NULL',
    );
    return rows[0]!.count;
  }

  /** Runs a pass now rather than at the next poll; a NOTIFY does the same. */
  wake(): void {
    this.signalled = true;
    for (const sleeper of this.sleepers) if (sleeper.wakeable) sleeper.wake();
  }

  /** Finishes the batch in flight (committed or rolled back), then releases every connection. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      for (const sleeper of this.sleepers) sleeper.wake();
      await this.listener?.end().catch(() => {});
      await Promise.all([this.running, this.listening]);
      await this.pool.end();
    })();
    return this.stopped;
  }

  private async relayUntilStopped(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      this.signalled = false;
      let outcome: BatchOutcome;
      try {
        outcome = await this.relayBatch();
      } catch (error) {
        failures++;
        const retryInMs = Math.min(this.options.retryDelayMs * 2 ** (failures - 1), this.options.maxRetryDelayMs);
        // Only the first failure of a series is a warning; the line on recovery says how long it lasted.
        const log = failures === 1 ? this.logger.warn.bind(this.logger) : this.logger.debug.bind(this.logger);
        log({ err: error, attempt: failures, retryInMs }, `${this.options.name}: publishing the outbox failed, retrying`);
        this.emit('retrying', { error: error as Error, attempt: failures, retryInMs });
        // A NOTIFY says nothing about the broker being back, so it does not cut the pause short.
        await this.sleep(retryInMs, false);
        continue;
      }
      if (failures > 0) this.logger.info({ failedAttempts: failures }, `${this.options.name}: publishing the outbox again`);
      failures = 0;
      // A full batch means more may be waiting: drain before sleeping.
      if (outcome === 'full') continue;
      if (outcome === 'drained' && !this.signalled) this.emit('idle');
      await this.sleep(this.options.pollIntervalMs, true);
    }
  }

  /**
   * One transaction: lock, read the oldest unpublished rows, publish them,
   * mark them; two round trips to the database (`readBatch`, then the marks
   * and the commit). The lock is released at commit or rollback. If another
   * relay holds it, that relay is draining the outbox and this one waits.
   */
  private async relayBatch(): Promise<BatchOutcome> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // The connection sits idle inside the transaction while the broker
    // confirms; if the server drops it then (restart, failover), pg emits
    // 'error' on the client, which must not crash the process. The next
    // query fails, the batch rolls back and is retried.
    const onLost = (error: Error) => {
      broken = error;
      this.logger.debug({ err: error }, `${this.options.name}: outbox connection lost mid-batch`);
    };
    client.on('error', onLost);
    try {
      const [, , lock, batch] = (await client.query(this.readBatch)) as unknown as [unknown, unknown, pg.QueryResult<{ acquired: boolean }>, pg.QueryResult<OutboxRow>];
      const rows = batch.rows;
      if (rows.length === 0) {
        await client.query('COMMIT');
        return lock.rows[0]!.acquired ? 'drained' : 'locked';
      }
      await publishTraced(this.options.publisher, rows.map((row) => row.payload), this.options.name);
      // Sequences are bigints PostgreSQL gave (pg reads int8 as a string of digits): safe to write into the text.
      await client.query(`UPDATE "OutboxEvent" SET "publishedAt" = now() WHERE "sequence" = ANY('{${rows.map((row) => row.sequence).join(',')}}'::bigint[]); COMMIT`);
      const lastSequence = rows.at(-1)!.sequence;
      this.logger.debug({ count: rows.length, lastSequence }, `${this.options.name}: published outbox events`);
      this.emit('published', { count: rows.length, lastSequence });
      return rows.length === this.options.batchSize ? 'full' : 'drained';
    } catch (error) {
      // The rows stay unpublished. A connection that cannot even roll back is discarded, not reused.
      await client.query('ROLLBACK').catch((rollbackError: Error) => void (broken = rollbackError));
      throw error;
    } finally {
      client.off('error', onLost);
      client.release(broken);
    }
  }

  /** Holds a LISTEN connection open, reconnecting with backoff when it drops. */
  private async listenUntilStopped(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      const client = new pg.Client({
        connectionString: this.options.databaseUrl,
        application_name: `outbox-listen ${this.options.name}`,
        // A connection that dies without a FIN (a partition) is noticed, not waited on forever.
        keepAlive: true,
      });
      this.listener = client;
      const ended = new Promise<void>((resolve) => client.once('end', resolve));
      // Reported below when the connection ends; without a listener pg would crash the process.
      client.on('error', (err) => this.logger.debug({ err }, `${this.options.name}: outbox LISTEN connection error`));
      client.on('notification', () => this.wake());
      try {
        await client.connect();
        await client.query(`LISTEN "${OUTBOX_CHANNEL}"`);
        if (this.stopping) {
          await client.end();
          break;
        }
        if (failures > 0) this.logger.info(`${this.options.name}: listening for outbox events again`);
        failures = 0;
        // Events committed while nobody listened got no NOTIFY here: look now.
        this.wake();
        this.emit('listening');
        await ended;
        if (!this.stopping) this.logger.warn(`${this.options.name}: lost the outbox LISTEN connection, polling until it is back`);
      } catch (error) {
        if (!this.stopping && failures === 0) {
          this.logger.warn({ err: error }, `${this.options.name}: cannot LISTEN for outbox events, polling until it can`);
        }
        await client.end().catch(() => {});
      }
      this.listener = undefined;
      if (this.stopping) break;
      failures++;
      await this.sleep(Math.min(this.options.retryDelayMs * 2 ** (failures - 1), this.options.maxRetryDelayMs), false);
    }
  }

  /** Waits `ms`, or less: `stop()` ends every sleep, `wake()` ends wakeable ones (and skips them when already signalled). */
  private sleep(ms: number, wakeable: boolean): Promise<void> {
    if (this.stopping || (wakeable && this.signalled)) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper = {
        wakeable,
        wake: () => {
          clearTimeout(timer);
          this.sleepers.delete(sleeper);
          resolve();
        },
      };
      const timer = setTimeout(sleeper.wake, ms);
      this.sleepers.add(sleeper);
    });
  }
}

/** Starts a relay for one subgraph's outbox; `stop()` it before closing the database. */
export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  return new OutboxRelay(options).start();
}

type BatchOutcome = 'full' | 'drained' | 'locked';

/** An unpublished event as a batch reads it. */
interface OutboxRow {
  sequence: string;
  payload: EventEnvelope;
}

function validateOptions(options: OutboxRelayOptions): Required<OutboxRelayOptions> {
  if (typeof options?.publisher?.publish !== 'function') {
    throw new TypeError(`startOutboxRelay: publisher must be an EventPublisher, but got ${String(options?.publisher)}.`);
  }
  if (typeof options.databaseUrl !== 'string' || options.databaseUrl === '') {
    throw new TypeError(`startOutboxRelay: databaseUrl must be a connection string, but got ${String(options.databaseUrl)}.`);
  }
  return {
    ...options,
    listen: options.listen ?? true,
    pollIntervalMs: positiveInteger(options.pollIntervalMs, 1000, 'pollIntervalMs'),
    batchSize: positiveInteger(options.batchSize, 100, 'batchSize'),
    retryDelayMs: positiveInteger(options.retryDelayMs, 100, 'retryDelayMs'),
    maxRetryDelayMs: positiveInteger(options.maxRetryDelayMs, 1000, 'maxRetryDelayMs'),
    maxBatchMs: positiveInteger(options.maxBatchMs, 60_000, 'maxBatchMs'),
  };
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new TypeError(`startOutboxRelay: ${name} must be a positive integer, but got ${String(value)}.`);
  }
  return value;
}
