import type { SubgraphEvents } from '@supergraph/common';
import { seedNotes } from '@supergraph/notes';
import { seedOrders } from '@supergraph/orders';
import { loadRouterConfig, startRouter, type Router, type RouterRuntime } from '@supergraph/router';
import { seedUsers } from '@supergraph/users';
import { startSubgraphForTest, type StartedSubgraph } from './subgraphs.ts';
import type { SubgraphName } from './postgres.ts';

export interface TestStack {
  router: Router;
  users: StartedSubgraph<'users'>;
  notes: StartedSubgraph<'notes'>;
  orders: StartedSubgraph<'orders'>;
  /** Absent when the test brings its own (`bring`). */
  payments?: StartedSubgraph<'payments'>;
  /** Absent when the test brings its own (`bring`). */
  webhooks?: StartedSubgraph<'webhooks'>;
  stop: () => Promise<void>;
}

/**
 * Every subgraph of the supergraph on fresh databases behind a router (so
 * the router is ready: it answers for each of them), each on a free
 * port. `env` adds settings to every service (e.g. NODE_ENV,
 * SUBGRAPH_SIGNING_SECRETS); `routerEnv` to the router alone. `bring`
 * names subgraphs the test starts itself (with settings of its own) and
 * routes to through `routerEnv`, or joins later: the stack starts none of them.
 */
export async function startStack(
  options: {
    seed?: boolean;
    env?: NodeJS.ProcessEnv;
    routerEnv?: NodeJS.ProcessEnv;
    runtime?: RouterRuntime;
    events?: SubgraphEvents;
    bring?: ('payments' | 'webhooks')[];
  } = {},
): Promise<TestStack> {
  const start = <N extends SubgraphName>(name: N) => startSubgraphForTest(name, { env: options.env, events: options.events });
  const unlessBrought = <N extends 'payments' | 'webhooks'>(name: N) => (options.bring?.includes(name) ? undefined : start(name));
  const [users, notes, orders, payments, webhooks] = await Promise.all([
    start('users'),
    start('notes'),
    start('orders'),
    unlessBrought('payments'),
    unlessBrought('webhooks'),
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
      ...(payments && { PAYMENTS_ROUTING_URL: payments.url }),
      ...(webhooks && { WEBHOOKS_ROUTING_URL: webhooks.url }),
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
      await Promise.all([users.stop(), notes.stop(), orders.stop(), payments?.stop(), webhooks?.stop()]);
    },
  };
}
