import { beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { demoUsers } from '@supergraph/demo';
import { errorCode, graphql } from '../../../test/kit/graphql.ts';
import { watchOutbox } from '../../../test/kit/outboxEvents.ts';
import type { StartedSubgraph } from '../../../test/kit/subgraphs.ts';
import { tokenFor } from '../../../test/kit/tokens.ts';
import { waitFor } from '../../../test/kit/waitFor.ts';
import { noteCreatedBy } from './events.ts';
import { startReceiver, type Receiver } from './receiver.ts';
import { webhooksWithReceiver } from './webhooksWithReceiver.ts';

const [alice, bob] = demoUsers;
const admin = demoUsers.find((user) => user.role === 'ADMIN')!;
const CREATE = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { id } } }`;
const DELIVERIES = `query($id: ID!) { webhookEndpoint(id: $id) { enabled deliveries { totalCount edges { node {
  id eventId eventType status attempts lastHttpStatus lastError nextAttemptAt lastLatencyMs } } } } }`;

// A compressed schedule: retries within a second, an endpoint disabled after 6 failures in a row.
const fixture = webhooksWithReceiver({
  WEBHOOKS_RETRY_BASE_MS: '200',
  WEBHOOKS_RETRY_MAX_MS: '1000',
  WEBHOOKS_POLL_INTERVAL_MS: '50',
  WEBHOOKS_ATTEMPT_TIMEOUT_MS: '2000',
  WEBHOOKS_MAX_ATTEMPTS: '20',
  WEBHOOKS_DISABLE_AFTER_FAILURES: '6',
  WEBHOOKS_SECRETS_KEY: Buffer.alloc(32, 9).toString('base64'),
});
let webhooks: StartedSubgraph<'webhooks'>;
let receiver: Receiver;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  ({ webhooks, receiver } = fixture);
  for (const user of [alice!, bob!, admin]) tokens[user.id] = await tokenFor(user.id, user.role);
});

const as = (userId: string, query: string, variables: Record<string, unknown> = {}) => graphql(webhooks.url, query, variables, { token: tokens[userId] });

async function createEndpoint(userId: string, url = receiver.url, eventTypes = ['note.created']) {
  const response = await as(userId, CREATE, { input: { url, eventTypes } });
  expect(response.errors).toBeUndefined();
  return response.data!.createWebhookEndpoint as { secret: string; endpoint: { id: string } };
}

const deliveryOf = (endpointId: string, eventId: string) => webhooks.db.webhookDelivery.findUnique({ where: { endpointId_eventId: { endpointId, eventId } } });

describe('deliveries', () => {
  it('are signed the Standard Webhooks way and reach only endpoints whose owner may see the event', async () => {
    const mine = await createEndpoint(alice!.id);
    const admins = await createEndpoint(admin.id);
    const bobs = await createEndpoint(bob!.id);
    const event = noteCreatedBy(alice!.id);
    expect(await webhooks.takeIn(event)).toBeGreaterThanOrEqual(2);

    await waitFor('both deliveries', async () => (await deliveryOf(mine.endpoint.id, event.id))?.status === 'DELIVERED' && (await deliveryOf(admins.endpoint.id, event.id))?.status === 'DELIVERED');
    const received = receiver.requestsFor(event.id);
    expect(received).toHaveLength(2);
    const bySecret = (secret: string) => received.filter((request) => {
      try {
        new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
        return true;
      } catch {
        return false;
      }
    });
    expect(bySecret(mine.secret)).toHaveLength(1);
    expect(bySecret(admins.secret)).toHaveLength(1);
    expect(JSON.parse(received[0]!.body)).toMatchObject({ id: event.id, type: 'note.created', ownerId: alice!.id });
    expect(await deliveryOf(bobs.endpoint.id, event.id)).toBeNull();
    // Stored sealed with WEBHOOKS_SECRETS_KEY: the database alone cannot sign.
    const stored = await webhooks.db.webhookEndpoint.findUniqueOrThrow({ where: { id: mine.endpoint.id } });
    expect(stored.secret).toMatch(/^aes-256-gcm:/);
    expect(stored.secret).not.toContain(mine.secret.slice('whsec_'.length));
  });

  it('carry both signatures during a rotation window, each verifying with its own secret', async () => {
    const { secret: old, endpoint } = await createEndpoint(alice!.id);
    const rotated = await as(alice!.id, 'mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }', { id: endpoint.id });
    const event = noteCreatedBy(alice!.id);
    await webhooks.takeIn(event);
    await waitFor('the delivery', async () => (await deliveryOf(endpoint.id, event.id))?.status === 'DELIVERED');
    const [request] = receiver.requestsFor(event.id).filter((r) => String(r.headers['webhook-signature']).split(' ').length === 2);
    for (const secret of [old, rotated.data!.rotateWebhookSecret.secret]) {
      expect(() => new Webhook(secret).verify(request!.body, request!.headers as Record<string, string>)).not.toThrow();
    }
  });

  it('reach a receiver that was down once it is back, retried with backoff, once per event per endpoint', async () => {
    const down = await startReceiver();
    const { endpoint } = await createEndpoint(alice!.id, down.url);
    await down.close();
    const events = [noteCreatedBy(alice!.id), noteCreatedBy(alice!.id)];
    for (const event of events) await webhooks.takeIn(event);
    await waitFor('a failed attempt of each while the receiver is down', async () => {
      const deliveries = await Promise.all(events.map((event) => deliveryOf(endpoint.id, event.id)));
      return deliveries.every((delivery) => delivery!.attempts >= 1);
    });
    const failing = await deliveryOf(endpoint.id, events[0]!.id);
    expect(failing).toMatchObject({ status: 'PENDING', lastHttpStatus: null });
    expect(failing!.lastError).toMatch(/ECONNREFUSED/);

    await down.listen();
    for (const event of events) {
      await waitFor(`delivery of ${event.id}`, async () => (await deliveryOf(endpoint.id, event.id))?.status === 'DELIVERED', { timeoutMs: 15_000 });
    }
    for (const event of events) expect(down.requestsFor(event.id).filter((r) => r.answered === 204)).toHaveLength(1);
    await down.close();
  });

  it('are not retried after a 4xx, but are after a 429, no sooner than its Retry-After', async () => {
    const { endpoint } = await createEndpoint(alice!.id);
    receiver.answerWith(() => ({ status: 410, body: 'gone '.repeat(1000) }));
    const gone = noteCreatedBy(alice!.id);
    await webhooks.takeIn(gone);
    await waitFor('the refusal', async () => (await deliveryOf(endpoint.id, gone.id))?.status === 'FAILED');
    const failed = await deliveryOf(endpoint.id, gone.id);
    expect(failed).toMatchObject({ attempts: 1, lastHttpStatus: 410 });
    // The answer is read up to WEBHOOKS_MAX_RESPONSE_BYTES (1024 by default) and no further.
    expect(failed!.lastError!.length).toBeLessThanOrEqual('HTTP 410: '.length + 1024);

    receiver.answerWith(() => ({ status: 429, headers: { 'retry-after': '30' } }));
    const limited = noteCreatedBy(alice!.id);
    await webhooks.takeIn(limited);
    await waitFor('the first attempt', async () => (await deliveryOf(endpoint.id, limited.id))?.attempts === 1);
    const waiting = await deliveryOf(endpoint.id, limited.id);
    expect(waiting!.status).toBe('PENDING');
    // Retry-After asks for 30 s; WEBHOOKS_RETRY_MAX_MS caps what is honoured at 1 s.
    expect(waiting!.nextAttemptAt!.getTime() - Date.now()).toBeLessThanOrEqual(1000);
  });

  it('disable an endpoint that keeps answering 500, failing its pending deliveries and writing an event for its owner', async () => {
    const { endpoint } = await createEndpoint(alice!.id);
    receiver.answerWith(() => ({ status: 500 }));
    const outbox = await watchOutbox(webhooks.db);
    const event = noteCreatedBy(alice!.id);
    await webhooks.takeIn(event);
    await waitFor('the endpoint to be disabled', async () => !(await webhooks.db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).enabled);
    const delivery = await deliveryOf(endpoint.id, event.id);
    expect(delivery).toMatchObject({ status: 'FAILED', attempts: 6, lastHttpStatus: 500 });
    expect(receiver.requestsFor(event.id)).toHaveLength(6);
    expect(await outbox.events()).toEqual([
      expect.objectContaining({ type: 'webhook_endpoint.disabled', aggregateId: endpoint.id, ownerId: alice!.id, causationId: event.id }),
    ]);
    // Disabled, it receives nothing more.
    const later = noteCreatedBy(alice!.id);
    await webhooks.takeIn(later);
    expect(await deliveryOf(endpoint.id, later.id)).toBeNull();
  });

  it('record an answer whose body holds NUL bytes (which PostgreSQL text cannot store) instead of sending the delivery again and again', async () => {
    const { endpoint } = await createEndpoint(alice!.id);
    receiver.answerWith(() => ({ status: 410, body: 'binary\u0000answer' }));
    const event = noteCreatedBy(alice!.id);
    await webhooks.takeIn(event);
    await waitFor('the refusal to be recorded', async () => (await deliveryOf(endpoint.id, event.id))?.status === 'FAILED', { timeoutMs: 5_000 });
    expect(await deliveryOf(endpoint.id, event.id)).toMatchObject({ attempts: 1, lastHttpStatus: 410, lastError: 'HTTP 410: binary\uFFFDanswer' });
    expect(receiver.requestsFor(event.id)).toHaveLength(1);
  });

  it('let their owner delete the endpoint while attempts are being recorded, without an error', async () => {
    for (let round = 0; round < 8; round++) {
      const { endpoint } = await createEndpoint(bob!.id);
      await webhooks.db.webhookDelivery.createMany({
        data: Array.from({ length: 300 }, () => ({ endpointId: endpoint.id, eventId: crypto.randomUUID(), eventType: 'note.created', payload: '{}' })),
      });
      await waitFor('attempts under way', async () => (await webhooks.db.webhookDelivery.count({ where: { endpointId: endpoint.id, status: 'DELIVERED' } })) >= 16);
      const deleted = await as(bob!.id, 'mutation($id: ID!) { deleteWebhookEndpoint(id: $id) { id } }', { id: endpoint.id });
      expect(deleted.errors, `round ${round}`).toBeUndefined();
      expect(await webhooks.db.webhookDelivery.count({ where: { endpointId: endpoint.id } })).toBe(0);
    }
  }, 60_000);

  it('only the owner sees deliveries or redelivers one', async () => {
    const { endpoint } = await createEndpoint(alice!.id);
    const event = noteCreatedBy(alice!.id);
    await webhooks.takeIn(event);
    await waitFor('the delivery', async () => (await deliveryOf(endpoint.id, event.id))?.status === 'DELIVERED');
    const listed = await as(alice!.id, DELIVERIES, { id: endpoint.id });
    const [edge] = listed.data!.webhookEndpoint.deliveries.edges;
    expect(edge.node).toMatchObject({ eventId: event.id, eventType: 'note.created', status: 'DELIVERED', attempts: 1, lastHttpStatus: 204, lastError: null, nextAttemptAt: null });
    expect(edge.node.lastLatencyMs).toBeGreaterThanOrEqual(0);

    expect((await as(bob!.id, DELIVERIES, { id: endpoint.id })).data!.webhookEndpoint).toBeNull();
    const REDELIVER = 'mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { status attempts } }';
    expect(errorCode(await as(bob!.id, REDELIVER, { id: edge.node.id }))).toBe('NOT_FOUND');
    expect(errorCode(await as(admin.id, REDELIVER, { id: edge.node.id }))).toBe('NOT_FOUND');

    expect((await as(alice!.id, REDELIVER, { id: edge.node.id })).data!.redeliverWebhook).toEqual({ status: 'PENDING', attempts: 1 });
    await waitFor('the redelivery', async () => (await deliveryOf(endpoint.id, event.id))!.attempts === 2);
    expect(receiver.requestsFor(event.id)).toHaveLength(2);
  });

  it('drops an event taken in twice: one delivery per endpoint', async () => {
    const { endpoint } = await createEndpoint(alice!.id);
    const event = noteCreatedBy(alice!.id);
    await webhooks.takeIn(event);
    expect(await webhooks.takeIn(event)).toBeNull();
    await waitFor('the delivery', async () => (await deliveryOf(endpoint.id, event.id))?.status === 'DELIVERED');
    expect(await webhooks.db.webhookDelivery.count({ where: { eventId: event.id, endpointId: endpoint.id } })).toBe(1);
  });
});
