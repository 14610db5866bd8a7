import amqplib, { type ChannelModel } from 'amqplib';
import { bridgeTopology } from '@supergraph/bridge';

/** The real RabbitMQ the tests run against (TOOLCHAIN.md: guest/guest on 5672). */
export const RABBITMQ_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** A connection for a test to publish and inspect queues with; fails loudly when the broker is down. */
export async function connectRabbitMQ(): Promise<ChannelModel> {
  try {
    return await amqplib.connect(RABBITMQ_URL);
  } catch (error) {
    throw new Error(
      `RabbitMQ is not reachable at ${RABBITMQ_URL} (${(error as Error).message}). ` +
        'The tests need a real broker; start it (see TOOLCHAIN.md) or set TEST_AMQP_URL.',
    );
  }
}

/** Durable exchanges and queues outlive a test or benchmark run; removes the bridge topology of one namespace. */
export async function deleteBridgeTopology(namespace: string, url = RABBITMQ_URL): Promise<void> {
  const topology = bridgeTopology(`${namespace}.events`, `${namespace}.bridge`);
  const connection = await amqplib.connect(url);
  const channel = await connection.createChannel();
  await channel.deleteQueue(topology.queue);
  await channel.deleteQueue(topology.deadLetterQueue);
  await channel.deleteExchange(topology.exchange);
  await channel.deleteExchange(topology.deadLetterExchange);
  await connection.close();
}
