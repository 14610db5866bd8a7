import { randomBytes } from 'node:crypto';
import type { PubSub } from 'graphql-subscriptions';
import { parseEvent } from '@supergraph/common';
import { startEventRecorder, type EventRecorder } from './eventRecorder.ts';
import { connectRabbitMQ } from './rabbitmq.ts';
import { waitFor } from './waitFor.ts';

export interface SagaBus {
  /** Records every event on the test's exchange (its `#` queue also keeps every relay's publish routable). */
  recorder: EventRecorder;
  /** Settings that put the orders and payments saga queues on the test's exchange. */
  ordersEnv: NodeJS.ProcessEnv;
  paymentsEnv: NodeJS.ProcessEnv;
  /** The recorded events about one order, by type, in arrival order. */
  typesFor(orderId: string): string[];
  /** Publishes a raw message to the test's exchange, as a relay (or a broken producer) would. */
  publish(routingKey: string, body: string): Promise<void>;
  /** Waits until `queue` exists and has a consumer, so events published from then on reach it. */
  consumerReady(queue: string): Promise<void>;
  /** Puts a raw message straight into one queue (past the exchange and its recorder). */
  sendToQueue(queue: string, body: string): Promise<void>;
  /** Messages in a queue (e.g. `<queue>.dead`). */
  messageCount(queue: string): Promise<number>;
  /** Hands every event on the exchange to `bus` under its type, as the bridge does for routers. */
  forwardTo(bus: PubSub): Promise<void>;
  /** Deletes the test's queues and exchange. */
  stop(): Promise<void>;
}

/**
 * A RabbitMQ exchange of the test's own with durable saga queues for the
 * orders and payments subgraphs (named per run, deleted by `stop`), on the
 * machine's real broker.
 */
export async function startSagaBus(): Promise<SagaBus> {
  const recorder = await startEventRecorder();
  const suffix = randomBytes(4).toString('hex');
  const queues = { orders: `test.orders.${suffix}`, payments: `test.payments.${suffix}` };
  const connection = await connectRabbitMQ();
  const channel = await connection.createChannel();
  const base = { AMQP_URL: process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672', AMQP_EXCHANGE: recorder.exchange };
  return {
    recorder,
    ordersEnv: { ...base, ORDERS_SAGA_QUEUE: queues.orders },
    paymentsEnv: { ...base, PAYMENTS_QUEUE: queues.payments },
    typesFor: (orderId) => recorder.events.filter((event) => event.data.orderId === orderId).map((event) => event.type),
    async publish(routingKey, body) {
      channel.publish(recorder.exchange, routingKey, Buffer.from(body), { persistent: true });
    },
    async consumerReady(queue) {
      await waitFor(`a consumer on ${queue}`, async () => {
        // A passive check of a missing queue closes its channel: one channel per probe.
        const probe = await connection.createChannel();
        probe.on('error', () => {});
        try {
          return (await probe.checkQueue(queue)).consumerCount > 0;
        } finally {
          await probe.close().catch(() => {});
        }
      }, { timeoutMs: 20_000, intervalMs: 100 });
    },
    async sendToQueue(queue, body) {
      channel.sendToQueue(queue, Buffer.from(body), { persistent: true });
    },
    async messageCount(queue) {
      return (await channel.checkQueue(queue)).messageCount;
    },
    async forwardTo(bus) {
      const { queue } = await channel.assertQueue('', { exclusive: true });
      await channel.bindQueue(queue, recorder.exchange, '#');
      await channel.consume(queue, (message) => {
        if (!message) return;
        const event = parseEvent(message.content);
        void bus.publish(event.type, event);
      }, { noAck: true });
    },
    async stop() {
      for (const queue of Object.values(queues)) {
        await channel.deleteQueue(queue);
        await channel.deleteQueue(`${queue}.dead`);
        await channel.deleteExchange(`${queue}.dead`);
      }
      await connection.close();
      await recorder.stop();
    },
  };
}
