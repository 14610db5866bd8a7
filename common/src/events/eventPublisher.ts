import type { EventEnvelope } from './eventEnvelope.ts';

/**
 * Where an outbox relay sends events: RabbitMQ in the full stack, the
 * in-process bus under `npm start`. `publish` resolves only once every event
 * is safely accepted (for RabbitMQ: confirmed by the broker), in order.
 */
export interface EventPublisher {
  publish(events: EventEnvelope[]): Promise<void>;
  close(): Promise<void>;
}
