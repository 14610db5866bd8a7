import { randomBytes } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import type { ConsumeMessage } from 'amqplib';
import { parseEvent, type EventEnvelope } from '@supergraph/common';
import { connectRabbitMQ } from './rabbitmq.ts';

export interface EventRecorder {
  /** A durable topic exchange of this recorder's own, declared as the relay's publisher declares it. */
  exchange: string;
  /** Every message, in arrival order. */
  messages: ConsumeMessage[];
  /** The same messages, parsed as event envelopes. */
  events: EventEnvelope[];
  /** Resolves once `count` messages have arrived; fails naming how many did. */
  waitForCount(count: number, timeoutMs?: number): Promise<void>;
  /** Deletes the queue and the exchange. */
  stop(): Promise<void>;
}

/**
 * Records what reaches RabbitMQ: an exchange of the test's own, with a
 * server-named exclusive queue bound to every routing key, consumed in order.
 */
export async function startEventRecorder(): Promise<EventRecorder> {
  const connection = await connectRabbitMQ();
  const channel = await connection.createChannel();
  const exchange = `test.events.${randomBytes(4).toString('hex')}`;
  await channel.assertExchange(exchange, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true });
  await channel.bindQueue(queue, exchange, '#');

  const messages: ConsumeMessage[] = [];
  const events: EventEnvelope[] = [];
  const arrivals = new EventEmitter();
  await channel.consume(
    queue,
    (message) => {
      if (!message) return;
      messages.push(message);
      events.push(parseEvent(message.content));
      arrivals.emit('message');
    },
    { noAck: true },
  );

  return {
    exchange,
    messages,
    events,
    async waitForCount(count, timeoutMs = 20_000) {
      const signal = AbortSignal.timeout(timeoutMs);
      while (messages.length < count) {
        await once(arrivals, 'message', { signal }).catch(() => {
          throw new Error(`Only ${messages.length} of ${count} messages reached ${exchange} within ${timeoutMs} ms.`);
        });
      }
    },
    async stop() {
      await channel.deleteQueue(queue);
      await channel.deleteExchange(exchange);
      await connection.close();
    },
  };
}
