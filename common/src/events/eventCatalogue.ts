/**
 * Every domain event the subgraphs publish: its type (also the RabbitMQ
 * routing key and the Redis channel), the aggregate it is about, who
 * produces it and what `data` carries. docs/events.md is written from this.
 */
export const eventCatalogue = {
  'user.registered': { aggregateType: 'User', producer: 'users', data: '{ userId, email, name }' },
  'note.created': { aggregateType: 'Note', producer: 'notes', data: '{ noteId, authorId, title, tagIds }' },
  'note.updated': { aggregateType: 'Note', producer: 'notes', data: '{ noteId, authorId, changed: ("title" | "content")[] }' },
  'note.deleted': { aggregateType: 'Note', producer: 'notes', data: '{ noteId, authorId }' },
  'note.tagged': { aggregateType: 'Note', producer: 'notes', data: '{ noteId, authorId, tagId }' },
  'order.placed': { aggregateType: 'Order', producer: 'orders', data: '{ orderId, userId, totalCents, items: { productId, quantity }[] }' },
  'order.cancelled': { aggregateType: 'Order', producer: 'orders', data: '{ orderId, userId }' },
} as const;

export type EventType = keyof typeof eventCatalogue;

export const EVENT_TYPES = Object.keys(eventCatalogue) as EventType[];

/** The topic exchange every subgraph's relay publishes to. */
export const EVENTS_EXCHANGE = 'supergraph.events';
