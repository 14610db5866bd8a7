import { beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '@supergraph/demo';
import { graphql } from '../../../test/kit/graphql.ts';
import { watchOutbox } from '../../../test/kit/outboxEvents.ts';
import type { StartedSubgraph } from '../../../test/kit/subgraphs.ts';
import { tokenFor } from '../../../test/kit/tokens.ts';
import { waitFor } from '../../../test/kit/waitFor.ts';
import { noteCreatedBy } from './events.ts';
import type { Receiver } from './receiver.ts';
import { webhooksWithReceiver } from './webhooksWithReceiver.ts';

// The other way an endpoint is disabled: failing for WEBHOOKS_DISABLE_AFTER_MS
// without a success, however few its failed attempts (the count is set out of
// reach here). Retries come every 100 to 300 ms, so the period passes after
// a handful of attempts.
const DISABLE_AFTER_MS = 2_000;

const [alice] = demoUsers;
const CREATE = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } } }`;

const fixture = webhooksWithReceiver({
  WEBHOOKS_RETRY_BASE_MS: '100',
  WEBHOOKS_RETRY_MAX_MS: '300',
  WEBHOOKS_POLL_INTERVAL_MS: '50',
  WEBHOOKS_MAX_ATTEMPTS: '1000',
  WEBHOOKS_DISABLE_AFTER_FAILURES: '1000',
  WEBHOOKS_DISABLE_AFTER_MS: String(DISABLE_AFTER_MS),
});
let webhooks: StartedSubgraph<'webhooks'>;
let receiver: Receiver;
let token: string;

beforeAll(async () => {
  ({ webhooks, receiver } = fixture);
  token = await tokenFor(alice!.id, alice!.role);
});

async function createEndpoint(): Promise<string> {
  const response = await graphql(webhooks.url, CREATE, { input: { url: receiver.url, eventTypes: ['note.created'] } }, { token });
  expect(response.errors).toBeUndefined();
  return response.data!.createWebhookEndpoint.endpoint.id;
}

const endpointRow = (id: string) => webhooks.db.webhookEndpoint.findUniqueOrThrow({ where: { id } });
const attemptsOf = (deliveryId: string) => webhooks.db.webhookAttempt.findMany({ where: { deliveryId }, orderBy: { number: 'asc' } });
const deliveryOf = (endpointId: string, eventId: string) => webhooks.db.webhookDelivery.findUniqueOrThrow({ where: { endpointId_eventId: { endpointId, eventId } } });

describe('an endpoint failing for WEBHOOKS_DISABLE_AFTER_MS', () => {
  it('is disabled by the first failed attempt once the period has passed, with its event, well before the failure count', async () => {
    const endpointId = await createEndpoint();
    receiver.answerWith(() => ({ status: 500 }));
    const outbox = await watchOutbox(webhooks.db);
    const event = noteCreatedBy(alice!.id);
    const started = Date.now();
    await webhooks.takeIn(event);

    await waitFor('the endpoint to be disabled', async () => !(await endpointRow(endpointId)).enabled, { timeoutMs: DISABLE_AFTER_MS + 5_000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(DISABLE_AFTER_MS);
    const endpoint = await endpointRow(endpointId);
    expect(endpoint.disabledReason).toMatch(/^failing for \d+ s without a success$/);
    const delivery = await deliveryOf(endpointId, event.id);
    expect(delivery).toMatchObject({ status: 'FAILED', lastHttpStatus: 500 });
    const attempts = await attemptsOf(delivery.id);
    expect(attempts).toHaveLength(delivery.attempts);
    expect(attempts.length).toBeGreaterThan(1);
    expect(attempts.length).toBeLessThan(1000);
    expect(receiver.requestsFor(event.id)).toHaveLength(attempts.length);
    expect(await outbox.events()).toEqual([
      expect.objectContaining({ type: 'webhook_endpoint.disabled', aggregateId: endpointId, ownerId: alice!.id, causationId: event.id, data: expect.objectContaining({ reason: endpoint.disabledReason }) }),
    ]);
  });

  it('counts the period from the first failure after the last success', async () => {
    const endpointId = await createEndpoint();
    receiver.answerWith(() => ({ status: 500 }));
    const first = noteCreatedBy(alice!.id);
    await webhooks.takeIn(first);
    await waitFor('a run of failures', async () => (await endpointRow(endpointId)).consecutiveFailures >= 2);
    const failingSince = (await endpointRow(endpointId)).failingSince!;
    // Half the period passes in failures, then the receiver answers: the run of failures ends.
    await waitFor('half the period', () => Date.now() - failingSince.getTime() >= DISABLE_AFTER_MS / 2);
    receiver.answerWith(() => ({ status: 204 }));
    await waitFor('the delivery', async () => (await deliveryOf(endpointId, first.id)).status === 'DELIVERED');
    expect(await endpointRow(endpointId)).toMatchObject({ enabled: true, consecutiveFailures: 0, failingSince: null });

    const { deliveredAt } = await deliveryOf(endpointId, first.id);

    receiver.answerWith(() => ({ status: 500 }));
    const second = noteCreatedBy(alice!.id);
    await webhooks.takeIn(second);
    await waitFor('the endpoint to be disabled', async () => !(await endpointRow(endpointId)).enabled, { timeoutMs: DISABLE_AFTER_MS + 5_000 });
    const disabledBy = Date.now();
    // The second run of failures is counted from its own first failure, after the success,
    // and lasted the whole period: not what was left of the first run's.
    const disabled = await endpointRow(endpointId);
    expect(disabled.failingSince!.getTime()).toBeGreaterThanOrEqual(deliveredAt!.getTime());
    expect(disabled.failingSince!.getTime() - failingSince.getTime()).toBeLessThan(DISABLE_AFTER_MS);
    expect(disabledBy - disabled.failingSince!.getTime()).toBeGreaterThanOrEqual(DISABLE_AFTER_MS);
  });
});
