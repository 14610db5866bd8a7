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
  /** Deliveries sent at once, each on its own; an endpoint never has more than one. */
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
 *
 * Delivery is fair per endpoint: an endpoint has at most one attempt in
 * flight, across every worker (a live claim on any of its deliveries keeps
 * the others waiting), and each attempt runs on its own in one of
 * `concurrency` slots, which are filled again as soon as one frees up. An
 * endpoint that never answers thus holds one slot until its timeout, never
 * the deliveries of other endpoints.
 */
export function startDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const { db, logger } = options;
  const claimMs = options.limits.timeoutMs + 5_000;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  /** Set when something may have become due while a claim ran: claim again right after it. */
  let woken = false;
  let claiming: Promise<void> | null = null;
  const inFlight = new Set<Promise<void>>();
  let prunedAt = 0;

  /**
   * Claims up to `limit` due deliveries: the oldest due one of each endpoint
   * that has no attempt in flight (a live claim on any of its deliveries).
   * Two workers may pick the same endpoint's oldest delivery: SKIP LOCKED,
   * and the claim re-checked on the row it locks, leave it to one of them.
   */
  async function claim(limit: number): Promise<Claimed[]> {
    return db.$queryRaw<Claimed[]>`
      UPDATE "WebhookDelivery" AS delivery SET "claimedUntil" = now() + ${claimMs} * interval '1 millisecond'
      FROM "WebhookEndpoint" AS endpoint
      WHERE endpoint."id" = delivery."endpointId" AND delivery."id" IN (
        SELECT due."id" FROM "WebhookDelivery" AS due
        WHERE due."id" IN (
            SELECT DISTINCT ON (oldest."endpointId") oldest."id"
            FROM "WebhookDelivery" AS oldest JOIN "WebhookEndpoint" AS owner ON owner."id" = oldest."endpointId"
            WHERE oldest."status" = 'PENDING' AND oldest."nextAttemptAt" <= now() AND owner."enabled"
            ORDER BY oldest."endpointId", oldest."nextAttemptAt", oldest."id")
          AND due."status" = 'PENDING' AND (due."claimedUntil" IS NULL OR due."claimedUntil" < now())
          AND NOT EXISTS (SELECT 1 FROM "WebhookDelivery" AS running WHERE running."endpointId" = due."endpointId" AND running."claimedUntil" >= now())
        ORDER BY due."nextAttemptAt" LIMIT ${limit}
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

  /** Starts one attempt in a free slot; when it ends, its slot is filled again (its endpoint's next delivery may be due). */
  function launch(delivery: Claimed): void {
    const running: Promise<void> = attempt(delivery)
      .catch((err) => logger.error({ err, deliveryId: delivery.id }, 'recording a webhook attempt failed; its claim will expire and it is tried again'))
      .finally(() => {
        inFlight.delete(running);
        fill();
      });
    inFlight.add(running);
  }

  /** Claims due deliveries into the free slots until none is due or no slot is free. */
  async function claimIntoFreeSlots(): Promise<void> {
    await pruneReceivedEvents();
    while (!stopping) {
      woken = false;
      const free = options.concurrency - inFlight.size;
      if (free <= 0) return;
      const claimed = await claim(free);
      for (const delivery of claimed) launch(delivery);
      if (claimed.length < free && !woken) return;
    }
  }

  /** Runs one claim at a time; a call during a claim makes it claim once more. */
  function fill(): void {
    if (stopping) return;
    if (claiming) {
      woken = true;
      return;
    }
    claiming = claimIntoFreeSlots()
      .catch((err) => logger.warn({ err }, 'the webhook worker could not read due deliveries; trying again'))
      .finally(() => {
        claiming = null;
        if (woken) fill();
      });
  }

  function poll(): void {
    // A claim under way already looks again when it ends, if it filled every slot it could.
    if (!claiming) fill();
    if (!stopping) timer = setTimeout(poll, options.pollIntervalMs);
  }

  poll();
  return {
    wake: () => fill(),
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await claiming;
      await Promise.all(inFlight);
    },
  };
}
