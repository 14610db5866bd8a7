/**
 * The durable RabbitMQ topic exchange every subgraph's outbox relay publishes
 * to and the bridge consumes; an event's routing key is its type.
 */
export const EVENTS_EXCHANGE = 'supergraph.events';
