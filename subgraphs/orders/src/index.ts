export { loadOrdersConfig, type OrdersConfig } from './config.ts';
export { startOrdersSubgraph, type OrdersSubgraph } from './server.ts';
export { seedOrders } from './seed/seedOrders.ts';
