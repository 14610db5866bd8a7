export { loadPaymentsConfig, type PaymentsConfig } from './config.ts';
export { startPaymentsSubgraph, type PaymentsSubgraph } from './server.ts';
export { TEST_PAYMENT_METHODS } from './provider/testCardProvider.ts';
export { ORDER_EVENT_TYPES } from './saga/takeInOrderEvent.ts';
