import { notFound } from '@supergraph/common';
import type { WebhookEndpointModel } from './__generated__/prisma/models.ts';
import type { WebhooksTx } from './db.ts';

/**
 * The endpoint a mutation is about to change, locked for the transaction.
 * Someone else's endpoint is NOT_FOUND, exactly like a missing one: an
 * endpoint's existence is its owner's business.
 */
export async function findOwnEndpoint(tx: WebhooksTx, endpointId: string, viewerId: string, field: string): Promise<WebhookEndpointModel> {
  const [endpoint] = await tx.$queryRaw<WebhookEndpointModel[]>`SELECT * FROM "WebhookEndpoint" WHERE "id" = ${endpointId}::uuid FOR UPDATE`;
  if (!endpoint || endpoint.ownerId !== viewerId) throw notFound(field, `Webhook endpoint "${endpointId}" does not exist.`);
  return endpoint;
}
