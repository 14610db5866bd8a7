import { PubSub } from 'graphql-subscriptions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, type EventPublisher } from '@supergraph/common';
import { demoUsers } from '@supergraph/demo';
import { pubSubEventSource } from '@supergraph/router';
import { noteCreatedBy } from '../subgraphs/webhooks/test/events.ts';
import { startReceiver, type Receiver } from '../subgraphs/webhooks/test/receiver.ts';
import { graphql } from '../test/kit/graphql.ts';
import { startStack, type TestStack } from '../test/kit/stack.ts';
import { startSubgraphForTest, type StartedSubgraph } from '../test/kit/subgraphs.ts';
import { tokenFor } from '../test/kit/tokens.ts';
import { waitFor } from '../test/kit/waitFor.ts';
import { subscribe, wsClient } from '../test/kit/wsClient.ts';

// The webhooks subgraph's outbox feeds the router's subscriptions through
// an in-process bus (the RabbitMQ -> Redis path is the bridge's, tested in
// its own e2e): an endpoint that keeps answering 500 is disabled and its
// owner, and only its owner, hears of it through `webhookEndpointDisabled`.
const [alice, bob] = demoUsers;
const bus = new PubSub();
const publisher: EventPublisher = {
  publish: async (events) => {
    for (const event of events) await bus.publish(event.type, event);
  },
  close: async () => {},
};
let webhooks: StartedSubgraph<'webhooks'>;
let stack: TestStack;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  receiver.answerWith(() => ({ status: 500 }));
  webhooks = await startSubgraphForTest('webhooks', {
    env: { WEBHOOKS_ALLOW_LOOPBACK: 'true', WEBHOOKS_RETRY_BASE_MS: '100', WEBHOOKS_RETRY_MAX_MS: '300', WEBHOOKS_POLL_INTERVAL_MS: '50', WEBHOOKS_DISABLE_AFTER_FAILURES: '3' },
    events: { publisher },
  });
  stack = await startStack({
    bring: ['webhooks'],
    seed: true,
    routerEnv: { WEBHOOKS_ROUTING_URL: webhooks.url },
    runtime: { eventSource: pubSubEventSource(bus, createLogger('test', 'silent')) },
  });
});
afterAll(async () => {
  await stack?.stop();
  await webhooks?.stop();
  await receiver?.close();
});

describe('webhookEndpointDisabled', () => {
  it("fires for the owner of an endpoint disabled after repeated 500s, and for no one else", async () => {
    const [aliceToken, bobToken] = await Promise.all([tokenFor(alice!.id), tokenFor(bob!.id)]);
    const DISABLED = 'subscription { webhookEndpointDisabled { id url enabled disabledReason owner { name } } }';
    const alices = wsClient(stack.router.url, aliceToken);
    const bobs = wsClient(stack.router.url, bobToken);
    const aliceHears = subscribe(alices, DISABLED);
    const bobHears = subscribe(bobs, DISABLED);
    await waitFor('both subscriptions', () => stack.router.subscriptions!.subscriberCount === 2, { timeoutMs: 5_000 });
    await stack.router.subscriptions!.ready();

    const created = await graphql(
      stack.router.url,
      'mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } } }',
      { input: { url: receiver.url, eventTypes: ['note.created'] } },
      { token: aliceToken },
    );
    expect(created.errors).toBeUndefined();
    const endpointId = created.data!.createWebhookEndpoint.endpoint.id;
    await webhooks.takeIn(noteCreatedBy(alice!.id));

    expect(await aliceHears.nth(1)).toMatchObject({
      data: { webhookEndpointDisabled: { id: endpointId, url: receiver.url, enabled: false, disabledReason: '3 failed attempts in a row', owner: { name: alice!.name } } },
      extensions: { event: { type: 'webhook_endpoint.disabled' } },
    });
    expect(receiver.requests).toHaveLength(3);
    expect(await stack.router.subscriptions!.settled()).toBe(true);
    expect(bobHears.results).toHaveLength(0);
    await Promise.all([alices.dispose(), bobs.dispose()]);
  });
});
