import type { Channel } from 'amqplib';

/** The exchanges and queues the bridge owns or consumes from. */
export interface BridgeTopology {
  /** The topic exchange the outbox relays publish to. */
  exchange: string;
  /** Durable queue of every event (`#`), consumed with manual acks. */
  queue: string;
  /** Fanout exchange the bridge publishes poison and undeliverable messages to. */
  deadLetterExchange: string;
  /** Where dead letters wait for a person, with `x-dead-letter-reason`. */
  deadLetterQueue: string;
}

export function bridgeTopology(exchange: string, queue: string): BridgeTopology {
  // Exchanges and queues are separate namespaces in AMQP: one name for both reads best.
  return { exchange, queue, deadLetterExchange: `${queue}.dead`, deadLetterQueue: `${queue}.dead` };
}

/**
 * Declares everything the bridge relies on; idempotent, so it runs on every
 * new channel and a broker that lost its definitions gets them back.
 * The exchange arguments must match the outbox relay's own declaration.
 */
export async function declareTopology(channel: Channel, topology: BridgeTopology): Promise<void> {
  await channel.assertExchange(topology.exchange, 'topic', { durable: true });
  await channel.assertQueue(topology.queue, { durable: true });
  await channel.bindQueue(topology.queue, topology.exchange, '#');
  // Fanout, so a dead letter can keep its original routing key and still land in the queue.
  await channel.assertExchange(topology.deadLetterExchange, 'fanout', { durable: true });
  await channel.assertQueue(topology.deadLetterQueue, { durable: true });
  await channel.bindQueue(topology.deadLetterQueue, topology.deadLetterExchange, '');
}
