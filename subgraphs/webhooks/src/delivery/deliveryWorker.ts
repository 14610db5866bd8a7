import type { Logger } from '@supergraph/common';
import type { Dispatcher } from 'undici';
import type { WebhooksDb } from '../db.ts';
import type { SecretBox } from '../secretBox.ts';
import type { AddressPolicy } from './addressPolicy.ts';
import { recordAttempt, type ClaimedDelivery, type FailurePolicy } from './recordAttempt.ts';
import { sendAttempt, type AttemptLimits } from './sendAttempt.ts';
import { signDelivery } from './signDelivery.ts';

export interface DeliveryWorkerOptions {
  db: WebhooksDb;
  agent: Dispatcher;
  policy: AddressPolicy;
  secrets: SecretBox;
  limits: AttemptLimits;
  failures: FailurePolicy;
  /** Deliveries sent at once. */
  concurrency: number;
  pollIntervalMs: number;
  /** How long taken-in event ids are kept (see `takeInEvent`). */
  dedupeRetentionMs: number;
  logger: Logger;
}

/** How often remembered event ids past their retention are deleted. */
const PRUNE_INTERVAL_MS = 3_600_000;

export interface DeliveryWorker {
  /** Looks for due deliveries now rather than at the next poll. */
  wake(): void;
  /** Stops claiming and waits for the attempts in flight to be recorded. */
  stop(): Promise<void>;
}

interface Claimed extends ClaimedDelivery {
  payload: string;
  url: string;
  secret: string;
  previousSecret: string | null;
  previousSecretUntil: Date | null;
}

/**
 * Sends due deliveries from the database: the rows are the queue, so a
 * restart loses nothing. Each attempt first claims its delivery until the
 * attempt's timeout has surely passed (`claimedUntil`), with SKIP LOCKED so
 * several workers share the work; a worker killed mid-attempt leaves a
 * claim that expires, and the delivery is attempted again. Receivers may
 * therefore see an event twice, with the same `webhook-id`, and must drop
 * repeats by it (the Standard Webhooks contract).
 */
export function startDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const { db, logger } = options;
  const claimMs = options.limits.timeoutMs + 5_000;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let woken = false;
  let running: Promise<void> | null = null;
  let prunedAt = 0;

  async function claim(): Promise<Claimed[]> {
    return db.$queryRaw<Claimed[]>`
      UPDATE "WebhookDelivery" AS delivery SET "claimedUntil" = now() + ${claimMs} * interval '1 millisecond'
      FROM "WebhookEndpoint" AS endpoint
      WHERE endpoint."id" = delivery."endpointId" AND delivery."id" IN (
        SELECT due."id" FROM "WebhookDelivery" AS due JOIN "WebhookEndpoint" AS owner ON owner."id" = due."endpointId"
        WHERE due."status" = 'PENDING' AND due."nextAttemptAt" <= now() AND owner."enabled"
          AND (due."claimedUntil" IS NULL OR due."claimedUntil" < now())
        ORDER BY due."nextAttemptAt" LIMIT ${options.concurrency}
        FOR UPDATE OF due SKIP LOCKED)
      RETURNING delivery."id", delivery."endpointId", delivery."eventId", delivery."attempts", delivery."payload",
        endpoint."url", endpoint."secret", endpoint."previousSecret", endpoint."previousSecretUntil"`;
  }

  async function attempt(delivery: Claimed): Promise<void> {
    const { secrets } = options;
    const headers = signDelivery(delivery.eventId, delivery.payload, {
      secret: secrets.open(delivery.secret),
      previousSecret: delivery.previousSecret && secrets.open(delivery.previousSecret),
      previousSecretUntil: delivery.previousSecretUntil,
    });
    const outcome = await sendAttempt({ url: delivery.url, body: delivery.payload, headers }, { ...options.limits, agent: options.agent, policy: options.policy });
    logger.debug({ deliveryId: delivery.id, attempt: delivery.attempts + 1, ...outcome }, 'webhook attempt');
    await recordAttempt(db, delivery, outcome, options.failures);
  }

  async function pruneReceivedEvents(): Promise<void> {
    if (Date.now() - prunedAt < PRUNE_INTERVAL_MS) return;
    prunedAt = Date.now();
    await db.$executeRaw`DELETE FROM "ReceivedEvent" WHERE "receivedAt" < now() - ${options.dedupeRetentionMs} * interval '1 millisecond'`;
  }

  /** Claims and sends batches until none is due. */
  async function drain(): Promise<void> {
    await pruneReceivedEvents();
    while (!stopping) {
      woken = false;
      const batch = await claim();
      await Promise.all(batch.map((delivery) => attempt(delivery).catch((err) => logger.error({ err, deliveryId: delivery.id }, 'recording a webhook attempt failed; its claim will expire and it is tried again'))));
      if (batch.length < options.concurrency && !woken) return;
    }
  }

  function schedule(delayMs: number) {
    if (stopping) return;
    clearTimeout(timer);
    timer = setTimeout(run, delayMs);
  }

  function run() {
    if (running) {
      woken = true;
      return;
    }
    running = drain()
      .catch((err) => logger.warn({ err }, 'the webhook worker could not read due deliveries; trying again'))
      .finally(() => {
        running = null;
        schedule(woken ? 0 : options.pollIntervalMs);
      });
  }

  schedule(0);
  return {
    wake: () => run(),
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await running;
    },
  };
}
