export { loadPaymentsConfig, type PaymentsConfig } from './config.ts';
export { startPaymentsSubgraph, type PaymentsSubgraph } from './server.ts';
export { TEST_PAYMENT_METHODS, testCardProvider } from './provider/testCardProvider.ts';
export type { Authorization, PaymentProvider } from './provider/paymentProvider.ts';
export { ORDER_EVENT_TYPES } from './saga/takeInOrderEvent.ts';
