import { defineEvent } from '@supergraph/common';
import { z } from 'zod';
import type { WebhookEndpointModel } from './__generated__/prisma/models.ts';

// The events the webhooks subgraph writes to its outbox. An endpoint's
// version is not tracked; its events are rare and each stands alone.

export const webhookEndpointDisabledEvent = defineEvent({
  type: 'webhook_endpoint.disabled',
  aggregateType: 'WebhookEndpoint',
  owner: 'ownerId',
  description: 'An endpoint kept failing (WEBHOOKS_DISABLE_AFTER_FAILURES attempts in a row, or for WEBHOOKS_DISABLE_AFTER_MS) and was disabled.',
  data: z.object({
    endpointId: z.guid().describe('the endpoint'),
    ownerId: z.guid().describe('the user who owns it'),
    reason: z.string().describe('why it was disabled, for people'),
  }),
});

export const webhookEndpointDisabled = (endpoint: Pick<WebhookEndpointModel, 'id' | 'ownerId'>, reason: string) =>
  webhookEndpointDisabledEvent.build({ aggregateId: endpoint.id, aggregateVersion: 1, data: { endpointId: endpoint.id, ownerId: endpoint.ownerId, reason } });
