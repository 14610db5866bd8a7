import type { WebhooksTx } from './db.ts';

/**
 * Disables an endpoint and fails its pending deliveries, inside the
 * caller's transaction: nothing more is sent to it until it is enabled, and
 * its owner can redeliver what they need after that.
 */
export async function disableEndpoint(tx: WebhooksTx, endpointId: string, reason: string) {
  const endpoint = await tx.webhookEndpoint.update({ where: { id: endpointId }, data: { enabled: false, disabledReason: reason } });
  await tx.webhookDelivery.updateMany({
    where: { endpointId, status: 'PENDING' },
    data: { status: 'FAILED', lastError: `not sent: ${reason}`, nextAttemptAt: null, claimedUntil: null },
  });
  return endpoint;
}
