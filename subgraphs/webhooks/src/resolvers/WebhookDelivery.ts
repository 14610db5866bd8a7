import { isId } from '@supergraph/common';
import type { WebhookDeliveryResolvers } from '../__generated__/resolvers.ts';

export const WebhookDelivery: WebhookDeliveryResolvers = {
  // Deliveries are reached through their endpoint; by key, only their endpoint's owner gets one.
  // A malformed key matches nothing, like a missing one (it would otherwise fail the UUID cast).
  __resolveReference: async (reference, { db, loaders, viewer }) => {
    if (!isId(reference.id)) return null;
    const delivery = await db.webhookDelivery.findUnique({ where: { id: reference.id } });
    const endpoint = delivery && (await loaders.endpointById.load(delivery.endpointId));
    return endpoint && endpoint.ownerId === viewer?.userId ? delivery : null;
  },
  status: (delivery) => delivery.status as 'PENDING' | 'DELIVERED' | 'FAILED',
};
