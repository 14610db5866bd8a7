import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoUsers } from '@supergraph/demo';
import { loadWebhooksConfig, startWebhooksSubgraph, type WebhooksSubgraph } from '@supergraph/webhooks';
import { errorCode, graphql } from '../../../test/kit/graphql.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/kit/postgres.ts';
import { tokenFor } from '../../../test/kit/tokens.ts';
import { waitFor } from '../../../test/kit/waitFor.ts';
import { noteCreatedBy } from './events.ts';
import { startReceiver, type Answer, type Receiver } from './receiver.ts';

// Attempts that are still running: a receiver that takes its time must not
// hold up other endpoints, nor be sent the same delivery twice at once.
// Where it says so, a second webhooks process shares the database, with its
// own worker, as replicas do. The attempt timeout is long, so a test that
// waits for it fails clearly.
const ATTEMPT_TIMEOUT_MS = 8_000;

const [alice, bob] = demoUsers;
const CREATE = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } } }`;
const REDELIVER = 'mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { status attempts } }';

let database: TestDatabase;
let webhooks: WebhooksSubgraph;
/** A second process on the same database, while a test runs one. */
let replica: WebhooksSubgraph | undefined;
let env: NodeJS.ProcessEnv;
let slow: Receiver;
let quick: Receiver;
const tokens: Record<string, string> = {};
/** Settles the requests `slow` holds; each test's held requests are answered after it. */
let release: (answer: Answer) => void = () => {};

beforeAll(async () => {
  database = await createTestDatabase(inject('templates').webhooks);
  env = {
    ...process.env,
    WEBHOOKS_DATABASE_URL: database.url,
    WEBHOOKS_PORT: '0',
    WEBHOOKS_ALLOW_LOOPBACK: 'true',
    WEBHOOKS_POLL_INTERVAL_MS: '50',
    WEBHOOKS_ATTEMPT_TIMEOUT_MS: String(ATTEMPT_TIMEOUT_MS),
    WEBHOOKS_CONCURRENCY: '4',
  };
  webhooks = await startWebhooksSubgraph(loadWebhooksConfig(env));
  [slow, quick] = await Promise.all([startReceiver(), startReceiver()]);
  for (const user of [alice!, bob!]) tokens[user.id] = await tokenFor(user.id, user.role);
});
afterEach(async () => {
  release({ status: 204 });
  await replica?.stop();
  replica = undefined;
  await webhooks.db.webhookEndpoint.updateMany({ data: { enabled: false } });
});
afterAll(async () => {
  release({ status: 204 });
  await Promise.all([webhooks?.stop(), replica?.stop()]);
  await Promise.all([slow?.close(), quick?.close()]);
  await database?.drop();
});

/** `slow` holds every request until `release` answers them all. */
function holdSlowRequests() {
  let answer!: (value: Answer) => void;
  const held = new Promise<Answer>((resolve) => (answer = resolve));
  release = answer;
  slow.answerWith(() => held);
}

async function createEndpoint(userId: string, url: string) {
  const response = await graphql(webhooks.url, CREATE, { input: { url, eventTypes: ['note.created'] } }, { token: tokens[userId] });
  expect(response.errors).toBeUndefined();
  return response.data!.createWebhookEndpoint.endpoint.id as string;
}

const deliveryOf = (endpointId: string, eventId: string) => webhooks.db.webhookDelivery.findUniqueOrThrow({ where: { endpointId_eventId: { endpointId, eventId } } });

describe('an endpoint that does not answer', () => {
  it("does not hold up another endpoint's deliveries while its attempt runs", async () => {
    holdSlowRequests();
    await createEndpoint(alice!.id, slow.url);
    const quickEndpoint = await createEndpoint(bob!.id, quick.url);
    const stuck = noteCreatedBy(alice!.id);
    await webhooks.takeIn(stuck);
    await waitFor('the slow receiver to hold its request', () => slow.requestsFor(stuck.id).length === 1);

    const started = Date.now();
    const event = noteCreatedBy(bob!.id);
    await webhooks.takeIn(event);
    await waitFor('the quick delivery', async () => (await deliveryOf(quickEndpoint, event.id)).status === 'DELIVERED', { timeoutMs: ATTEMPT_TIMEOUT_MS / 2 });
    expect(Date.now() - started).toBeLessThan(ATTEMPT_TIMEOUT_MS / 4);
    expect(slow.requestsFor(stuck.id).every((request) => request.answered === null)).toBe(true);
  });

  it('is sent one delivery at a time, across workers, the next once the running attempt ends', async () => {
    replica = await startWebhooksSubgraph(loadWebhooksConfig(env));
    holdSlowRequests();
    const endpoint = await createEndpoint(alice!.id, slow.url);
    const events = [noteCreatedBy(alice!.id), noteCreatedBy(alice!.id), noteCreatedBy(alice!.id)];
    // Taken in by both processes, so each worker is woken with deliveries of this endpoint due.
    for (const [i, event] of events.entries()) await (i % 2 ? replica : webhooks).takeIn(event);
    await waitFor('one request held', () => slow.requests.filter((request) => request.answered === null).length >= 1);
    // Several polls of both workers go by: none sends this endpoint a second delivery while the first runs.
    const quickEvent = noteCreatedBy(bob!.id);
    const quickEndpoint = await createEndpoint(bob!.id, quick.url);
    await webhooks.takeIn(quickEvent);
    await waitFor('a delivery elsewhere meanwhile', async () => (await deliveryOf(quickEndpoint, quickEvent.id)).status === 'DELIVERED');
    const sentSoFar = events.filter((event) => slow.requestsFor(event.id).length > 0);
    expect(sentSoFar).toHaveLength(1);

    release({ status: 204 });
    slow.answerWith(() => ({ status: 204 }));
    for (const event of events) {
      await waitFor(`delivery of ${event.id}`, async () => (await deliveryOf(endpoint, event.id)).status === 'DELIVERED');
      expect(slow.requestsFor(event.id)).toHaveLength(1);
    }
  });
});

describe('redelivering', () => {
  it('a delivery whose attempt is still running is refused with CONFLICT, and the receiver gets it once', async () => {
    holdSlowRequests();
    const endpoint = await createEndpoint(alice!.id, slow.url);
    const event = noteCreatedBy(alice!.id);
    await webhooks.takeIn(event);
    await waitFor('the attempt under way', () => slow.requestsFor(event.id).length === 1);
    const delivery = await deliveryOf(endpoint, event.id);

    const refused = await graphql(webhooks.url, REDELIVER, { id: delivery.id }, { token: tokens[alice!.id] });
    expect(errorCode(refused)).toBe('CONFLICT');
    expect(refused.errors![0]!.extensions).toMatchObject({ field: 'deliveryId' });
    expect(refused.errors![0]!.message).toMatch(/attempt .*running/);

    release({ status: 204 });
    await waitFor('the delivery', async () => (await deliveryOf(endpoint, event.id)).status === 'DELIVERED');
    expect(slow.requestsFor(event.id)).toHaveLength(1);

    // Once the attempt has ended, redelivering sends it again, once.
    slow.answerWith(() => ({ status: 204 }));
    const accepted = await graphql(webhooks.url, REDELIVER, { id: delivery.id }, { token: tokens[alice!.id] });
    expect(accepted.data!.redeliverWebhook).toEqual({ status: 'PENDING', attempts: 1 });
    await waitFor('the redelivery', async () => (await deliveryOf(endpoint, event.id)).attempts === 2);
    expect(slow.requestsFor(event.id)).toHaveLength(2);
  });
});
