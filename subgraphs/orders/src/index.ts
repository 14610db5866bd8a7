export { loadOrdersConfig, type OrdersConfig } from './config.ts';
export { startOrdersSubgraph, type OrdersSubgraph } from './server.ts';
export { seedOrders } from './seed/seedOrders.ts';
export { PAYMENT_EVENT_TYPES } from './saga/takeInPaymentEvent.ts';
