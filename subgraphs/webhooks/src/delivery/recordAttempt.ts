import { appendToOutbox } from '@supergraph/common';
import type { WebhookEndpointModel } from '../__generated__/prisma/models.ts';
import type { WebhooksDb } from '../db.ts';
import { disableEndpoint } from '../disableEndpoint.ts';
import { webhookEndpointDisabled } from '../webhookEvents.ts';
import type { AttemptOutcome } from './sendAttempt.ts';
import { retryDelay, type RetrySchedule } from './retrySchedule.ts';

/** When a delivery is given up on, and when its endpoint is. */
export interface FailurePolicy {
  schedule: RetrySchedule;
  maxAttempts: number;
  disableAfterFailures: number;
  disableAfterMs: number;
}

export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  attempts: number;
}

/**
 * Writes an attempt's outcome, in one transaction: the attempt row, the
 * delivery's new state (DELIVERED; PENDING with its next attempt; or
 * FAILED) and the endpoint's run of failures. An endpoint that has failed
 * too many attempts in a row, or for too long, is disabled there and then,
 * with its `webhook_endpoint.disabled` event in the outbox of the same
 * transaction.
 */
export async function recordAttempt(db: WebhooksDb, delivery: ClaimedDelivery, outcome: AttemptOutcome, policy: FailurePolicy): Promise<void> {
  const attempts = delivery.attempts + 1;
  const now = new Date();
  await db.$transaction(async (tx) => {
    // The endpoint is locked before the delivery, as the mutations lock it before its deliveries:
    // the other way round, an attempt recorded while its owner deletes the endpoint deadlocks with the delete.
    await tx.$executeRaw`SELECT 1 FROM "WebhookEndpoint" WHERE "id" = ${delivery.endpointId}::uuid FOR NO KEY UPDATE`;
    // The endpoint may have been deleted while the attempt ran, taking the delivery with it.
    if (!(await tx.webhookDelivery.findUnique({ where: { id: delivery.id }, select: { id: true } }))) return;
    await tx.webhookAttempt.create({
      data: { deliveryId: delivery.id, number: attempts, httpStatus: outcome.httpStatus, error: outcome.error, latencyMs: outcome.latencyMs },
    });
    const result = { attempts, lastHttpStatus: outcome.httpStatus, lastError: outcome.error, lastLatencyMs: outcome.latencyMs, claimedUntil: null };
    if (outcome.delivered) {
      await tx.webhookDelivery.update({ where: { id: delivery.id }, data: { ...result, status: 'DELIVERED', deliveredAt: now, nextAttemptAt: null } });
      await tx.webhookEndpoint.update({ where: { id: delivery.endpointId }, data: { consecutiveFailures: 0, failingSince: null } });
      return;
    }
    const [endpoint] = await tx.$queryRaw<WebhookEndpointModel[]>`
      UPDATE "WebhookEndpoint" SET "consecutiveFailures" = "consecutiveFailures" + 1, "failingSince" = COALESCE("failingSince", ${now}::timestamptz)
      WHERE "id" = ${delivery.endpointId}::uuid RETURNING *`;
    const disabling = endpoint!.enabled ? disablingReason(endpoint!, now, policy) : null;
    const retry = outcome.retryable && attempts < policy.maxAttempts && !disabling;
    await tx.webhookDelivery.update({
      where: { id: delivery.id },
      data: {
        ...result,
        status: retry ? 'PENDING' : 'FAILED',
        nextAttemptAt: retry ? new Date(now.getTime() + retryDelay(attempts, policy.schedule, outcome.retryAfterMs)) : null,
      },
    });
    if (disabling) {
      await disableEndpoint(tx, endpoint!.id, disabling);
      await appendToOutbox(tx, { actorId: null, correlationId: null, causationId: delivery.eventId }, webhookEndpointDisabled(endpoint!, disabling));
    }
  });
}

function disablingReason(endpoint: WebhookEndpointModel, now: Date, policy: FailurePolicy): string | null {
  if (endpoint.consecutiveFailures >= policy.disableAfterFailures) return `${endpoint.consecutiveFailures} failed attempts in a row`;
  const failingMs = now.getTime() - (endpoint.failingSince ?? now).getTime();
  if (failingMs >= policy.disableAfterMs) return `failing for ${Math.round(failingMs / 1000)} s without a success`;
  return null;
}
