import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEvent, createLogger, createRabbitPublisher, type EventPublisher } from '../src/index.ts';
import { connectRabbitMQ, RABBITMQ_URL } from '../../test/kit/rabbitmq.ts';

const exchange = `test.unbound.${randomBytes(4).toString('hex')}`;
let publisher: EventPublisher;

beforeAll(() => {
  publisher = createRabbitPublisher({ url: RABBITMQ_URL, logger: createLogger('test', 'silent'), exchange });
});
afterAll(async () => {
  await publisher?.close();
  const connection = await connectRabbitMQ();
  const channel = await connection.createChannel();
  await channel.deleteExchange(exchange);
  await connection.close();
});

const event = () => createEvent({ type: 'note.created', aggregateType: 'Note', aggregateId: 'n1', aggregateVersion: 1, data: {} }, { actorId: null, correlationId: null });

it('fails a batch the broker cannot route, so the events stay in the outbox until a queue is bound', async () => {
  await expect(publisher.publish([event()])).rejects.toThrow(/No queue is bound/);

  const connection = await connectRabbitMQ();
  const channel = await connection.createChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true });
  await channel.bindQueue(queue, exchange, '#');
  const sent = event();
  await publisher.publish([sent]);
  const message = await channel.get(queue, { noAck: true });
  expect(message && JSON.parse(message.content.toString()).id).toBe(sent.id);
  await connection.close();
});
