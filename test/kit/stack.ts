import type { SubgraphEvents } from '@supergraph/common';
import { seedNotes } from '@supergraph/notes';
import { seedOrders } from '@supergraph/orders';
import { loadRouterConfig, startRouter, type Router, type RouterRuntime } from '@supergraph/router';
import { seedUsers } from '@supergraph/users';
import { startSubgraphForTest, type StartedSubgraph } from './subgraphs.ts';

export interface TestStack {
  router: Router;
  users: StartedSubgraph<'users'>;
  notes: StartedSubgraph<'notes'>;
  orders: StartedSubgraph<'orders'>;
  payments: StartedSubgraph<'payments'>;
  webhooks: StartedSubgraph<'webhooks'>;
  stop: () => Promise<void>;
}

/**
 * Every subgraph of the supergraph on fresh databases behind a router (so
 * the router is ready: it answers for each of them), each on a free
 * port. `env` adds settings to every service (e.g. NODE_ENV,
 * SUBGRAPH_SIGNING_SECRETS); `routerEnv` to the router alone.
 */
export async function startStack(
  options: { seed?: boolean; env?: NodeJS.ProcessEnv; routerEnv?: NodeJS.ProcessEnv; runtime?: RouterRuntime; events?: SubgraphEvents } = {},
): Promise<TestStack> {
  const [users, notes, orders, payments, webhooks] = await Promise.all([
    startSubgraphForTest('users', { env: options.env, events: options.events }),
    startSubgraphForTest('notes', { env: options.env, events: options.events }),
    startSubgraphForTest('orders', { env: options.env, events: options.events }),
    startSubgraphForTest('payments', { env: options.env, events: options.events }),
    startSubgraphForTest('webhooks', { env: options.env, events: options.events }),
  ]);
  if (options.seed) await Promise.all([seedUsers(users.db), seedNotes(notes.db), seedOrders(orders.db)]);
  const router = await startRouter(
    loadRouterConfig({
      ...process.env,
      ...options.env,
      ...options.routerEnv,
      ROUTER_PORT: '0',
      USERS_ROUTING_URL: users.url,
      NOTES_ROUTING_URL: notes.url,
      ORDERS_ROUTING_URL: orders.url,
      PAYMENTS_ROUTING_URL: payments.url,
      WEBHOOKS_ROUTING_URL: webhooks.url,
    }),
    options.runtime,
  );
  return {
    router,
    users,
    notes,
    orders,
    payments,
    webhooks,
    stop: async () => {
      await router.stop();
      await Promise.all([users.stop(), notes.stop(), orders.stop(), payments.stop(), webhooks.stop()]);
    },
  };
}
