import { appError, badInput, notFound, parseId, requireViewer } from '@supergraph/common';
import type { WebhookDeliveryModel, WebhookEndpointModel } from '../__generated__/prisma/models.ts';
import type { MutationResolvers } from '../__generated__/resolvers.ts';
import { allowsHttp } from '../config.ts';
import { disableEndpoint } from '../disableEndpoint.ts';
import { parseCreateEndpoint } from '../endpointInput.ts';
import { checkEndpointUrl } from '../endpointUrl.ts';
import { findOwnEndpoint } from '../ownEndpoint.ts';
import { newWebhookSecret } from '../webhookSecret.ts';

// Every write is one transaction; the endpoint is locked first, so two
// writes to it run one after the other. A secret leaves this subgraph only
// in the answer to the create or rotate that made it.
export const Mutation: MutationResolvers = {
  createWebhookEndpoint: async (_parent, { input }, { db, viewer, config, secrets }) => {
    const ownerId = requireViewer(viewer);
    const parsed = parseCreateEndpoint(input);
    const url = await checkEndpointUrl(parsed.url, { allowHttp: allowsHttp(config), allowLoopback: config.WEBHOOKS_ALLOW_LOOPBACK });
    const secret = newWebhookSecret();
    const endpoint = await db.$transaction(async (tx) => {
      // One owner's creates run one at a time, so concurrent ones cannot all slip under the cap.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${ownerId}))`;
      const max = config.WEBHOOKS_MAX_ENDPOINTS_PER_USER;
      if ((await tx.webhookEndpoint.count({ where: { ownerId } })) >= max) {
        throw badInput('input', `A user holds at most ${max} webhook endpoints; delete one first.`, { max });
      }
      return tx.webhookEndpoint.create({
        data: { ownerId, ownerIsAdmin: viewer!.role === 'ADMIN', url, eventTypes: parsed.eventTypes, description: parsed.description, secret: secrets.seal(secret) },
      });
    });
    return { endpoint, secret };
  },

  rotateWebhookSecret: async (_parent, { id }, { db, viewer, config, secrets }) => {
    const viewerId = requireViewer(viewer);
    const endpointId = parseId(id, 'id');
    const secret = newWebhookSecret();
    const endpoint = await db.$transaction(async (tx) => {
      const current = await findOwnEndpoint(tx, endpointId, viewerId, 'id');
      return tx.webhookEndpoint.update({
        where: { id: endpointId },
        data: { secret: secrets.seal(secret), previousSecret: current.secret, previousSecretUntil: new Date(Date.now() + config.WEBHOOKS_ROTATION_WINDOW_MS) },
      });
    });
    return { endpoint, secret };
  },

  disableWebhookEndpoint: async (_parent, { id }, { db, viewer }) => {
    const viewerId = requireViewer(viewer);
    const endpointId = parseId(id, 'id');
    return db.$transaction(async (tx) => {
      const endpoint = await findOwnEndpoint(tx, endpointId, viewerId, 'id');
      return endpoint.enabled ? disableEndpoint(tx, endpointId, 'disabled by its owner') : endpoint;
    });
  },

  enableWebhookEndpoint: async (_parent, { id }, { db, viewer }) => {
    const viewerId = requireViewer(viewer);
    const endpointId = parseId(id, 'id');
    return db.$transaction(async (tx) => {
      await findOwnEndpoint(tx, endpointId, viewerId, 'id');
      return tx.webhookEndpoint.update({
        where: { id: endpointId },
        data: { enabled: true, disabledReason: null, consecutiveFailures: 0, failingSince: null },
      });
    });
  },

  deleteWebhookEndpoint: async (_parent, { id }, { db, viewer }) => {
    const viewerId = requireViewer(viewer);
    const endpointId = parseId(id, 'id');
    return db.$transaction(async (tx) => {
      await findOwnEndpoint(tx, endpointId, viewerId, 'id');
      // Its deliveries and their attempts go with it (ON DELETE CASCADE).
      await tx.webhookEndpoint.delete({ where: { id: endpointId } });
      return { id: endpointId };
    });
  },

  redeliverWebhook: async (_parent, args, { db, viewer }) => {
    const viewerId = requireViewer(viewer);
    const deliveryId = parseId(args.deliveryId, 'deliveryId');
    return db.$transaction(async (tx) => {
      const found = await tx.webhookDelivery.findUnique({ where: { id: deliveryId }, select: { endpointId: true } });
      // The endpoint is locked before the delivery, as recording an attempt locks them.
      const [endpoint] = found ? await tx.$queryRaw<WebhookEndpointModel[]>`SELECT * FROM "WebhookEndpoint" WHERE "id" = ${found.endpointId}::uuid FOR UPDATE` : [];
      const [delivery] = endpoint ? await tx.$queryRaw<WebhookDeliveryModel[]>`SELECT * FROM "WebhookDelivery" WHERE "id" = ${deliveryId}::uuid FOR UPDATE` : [];
      // Someone else's delivery is NOT_FOUND too: whether it exists is its owner's business.
      if (!delivery || !endpoint || endpoint.ownerId !== viewerId) throw notFound('deliveryId', `Webhook delivery "${deliveryId}" does not exist.`);
      if (!endpoint.enabled) throw appError('CONFLICT', 'The endpoint is disabled; enable it before redelivering.', { field: 'deliveryId' });
      // A worker holds a live claim while it sends the delivery. Queuing another attempt now would
      // send it twice at once: the caller retries once the running attempt's outcome is recorded.
      if (delivery.claimedUntil && delivery.claimedUntil.getTime() > Date.now()) {
        throw appError('CONFLICT', 'An attempt of this delivery is running; redeliver it once that attempt has ended.', {
          field: 'deliveryId',
          details: { runningUntil: delivery.claimedUntil.toISOString() },
        });
      }
      return tx.webhookDelivery.update({ where: { id: deliveryId }, data: { status: 'PENDING', nextAttemptAt: new Date() } });
    });
  },
};
