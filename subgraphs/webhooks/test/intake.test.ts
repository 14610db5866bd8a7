import { randomBytes } from 'node:crypto';
import type { ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '@supergraph/demo';
import { connectRabbitMQ, RABBITMQ_URL } from '../../../test/kit/rabbitmq.ts';
import { startSubgraphForTest, type StartedSubgraph } from '../../../test/kit/subgraphs.ts';
import { waitFor } from '../../../test/kit/waitFor.ts';
import { noteCreatedBy } from './events.ts';

// The worker's own durable queue on a test exchange of its own.
const [alice] = demoUsers;
const namespace = `test-webhooks-intake-${randomBytes(4).toString('hex')}`;
let webhooks: StartedSubgraph<'webhooks'>;
let rabbit: ChannelModel;

beforeAll(async () => {
  rabbit = await connectRabbitMQ();
  webhooks = await startSubgraphForTest('webhooks', {
    env: { AMQP_URL: RABBITMQ_URL, AMQP_EXCHANGE: `${namespace}.events`, WEBHOOKS_QUEUE: `${namespace}.webhooks`, WEBHOOKS_POLL_INTERVAL_MS: '60000' },
  });
  await waitFor('the worker to consume its queue', () => webhooks.consumer!.isConsuming(), { timeoutMs: 15_000 });
});
afterAll(async () => {
  await webhooks?.stop();
  const channel = await rabbit.createChannel();
  for (const queue of [`${namespace}.webhooks`, `${namespace}.webhooks.dead`]) await channel.deleteQueue(queue);
  for (const exchange of [`${namespace}.events`, `${namespace}.webhooks.dead`]) await channel.deleteExchange(exchange);
  await rabbit.close();
});

async function publish(routingKey: string, body: string): Promise<void> {
  const channel = await rabbit.createConfirmChannel();
  channel.publish(`${namespace}.events`, routingKey, Buffer.from(body), { persistent: true });
  await channel.waitForConfirms();
  await channel.close();
}

describe('the worker intake', () => {
  it('creates one delivery per matching endpoint for an event published twice', async () => {
    const endpoint = await webhooks.db.webhookEndpoint.create({ data: { ownerId: alice!.id, url: 'https://93.184.215.14/hook', eventTypes: ['note.created'], secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } });
    const event = noteCreatedBy(alice!.id);
    await publish(event.type, JSON.stringify(event));
    await publish(event.type, JSON.stringify(event));
    await waitFor('the event taken in', async () => (await webhooks.db.receivedEvent.count({ where: { id: event.id } })) === 1);
    await waitFor('the queue drained', async () => {
      const channel = await rabbit.createChannel();
      const { messageCount } = await channel.checkQueue(`${namespace}.webhooks`);
      await channel.close();
      return messageCount === 0;
    });
    expect(await webhooks.db.webhookDelivery.count({ where: { endpointId: endpoint.id, eventId: event.id } })).toBe(1);
  });

  it('dead-letters a message that is not an event, and carries on', async () => {
    await publish('note.created', 'not json');
    const channel = await rabbit.createChannel();
    const dead = await waitFor('the dead letter', () => channel.get(`${namespace}.webhooks.dead`, { noAck: true }));
    expect(dead.content.toString()).toBe('not json');
    await channel.close();

    const event = noteCreatedBy(alice!.id);
    await publish(event.type, JSON.stringify(event));
    await waitFor('the next event taken in', async () => (await webhooks.db.receivedEvent.count({ where: { id: event.id } })) === 1);
  });
});
