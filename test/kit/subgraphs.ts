import { inject } from 'vitest';
import type { RunningServer, SubgraphEvents } from '@supergraph/common';
import type { PaymentProvider } from '@supergraph/payments';
import { createTestDatabase, urlVariable, type SubgraphName } from './postgres.ts';

/** The key webhooks subgraphs started by tests seal endpoint secrets with, unless a test sets its own. */
const TEST_WEBHOOKS_SECRETS_KEY = Buffer.alloc(32, 3).toString('base64');

// Imported lazily so a test of one subgraph loads only that subgraph.
const starters = {
  users: async (env: NodeJS.ProcessEnv, events?: SubgraphEvents) => {
    const { startUsersSubgraph, loadUsersConfig } = await import('@supergraph/users');
    return startUsersSubgraph(loadUsersConfig(env), events);
  },
  notes: async (env: NodeJS.ProcessEnv, events?: SubgraphEvents) => {
    const { startNotesSubgraph, loadNotesConfig } = await import('@supergraph/notes');
    return startNotesSubgraph(loadNotesConfig(env), events);
  },
  orders: async (env: NodeJS.ProcessEnv, events?: SubgraphEvents) => {
    const { startOrdersSubgraph, loadOrdersConfig } = await import('@supergraph/orders');
    return startOrdersSubgraph(loadOrdersConfig(env), events);
  },
  webhooks: async (env: NodeJS.ProcessEnv, events?: SubgraphEvents) => {
    const { startWebhooksSubgraph, loadWebhooksConfig } = await import('@supergraph/webhooks');
    // Production refuses to store endpoint secrets unsealed: a production stack gets a key unless its test sets one.
    const sealing = env.NODE_ENV === 'production' ? { WEBHOOKS_SECRETS_KEY: TEST_WEBHOOKS_SECRETS_KEY } : {};
    return startWebhooksSubgraph(loadWebhooksConfig({ ...sealing, ...env }), events);
  },
  payments: async (env: NodeJS.ProcessEnv, events?: SubgraphEvents, provider?: PaymentProvider) => {
    const { startPaymentsSubgraph, loadPaymentsConfig } = await import('@supergraph/payments');
    return startPaymentsSubgraph(loadPaymentsConfig(env), events, provider);
  },
};

type RunningSubgraph<N extends SubgraphName> = Awaited<ReturnType<(typeof starters)[N]>> & RunningServer;
export type StartedSubgraph<N extends SubgraphName> = RunningSubgraph<N> & { databaseUrl: string };

/**
 * Starts a subgraph on a free port over its own fresh copy of the migrated
 * template database; `stop()` shuts it down and drops the database.
 * `env` adds settings (e.g. AMQP_URL); `events` injects where the outbox goes;
 * `provider` replaces the payments subgraph's test-card provider (payments only).
 * `databaseUrl` is that database, for what a test needs beside the subgraph's client (a LISTEN, say).
 */
export async function startSubgraphForTest<N extends SubgraphName>(
  name: N,
  options: { env?: NodeJS.ProcessEnv; events?: SubgraphEvents; provider?: N extends 'payments' ? PaymentProvider : never } = {},
): Promise<StartedSubgraph<N>> {
  const database = await createTestDatabase(inject('templates')[name]);
  const env = { ...process.env, ...options.env, [urlVariable(name)]: database.url, [`${name.toUpperCase()}_PORT`]: '0' };
  const start = starters[name] as (env: NodeJS.ProcessEnv, events?: SubgraphEvents, provider?: PaymentProvider) => ReturnType<(typeof starters)[N]>;
  const subgraph = (await start(env, options.events, options.provider)) as RunningSubgraph<N>;
  return {
    ...subgraph,
    databaseUrl: database.url,
    stop: async () => {
      await subgraph.stop();
      await database.drop();
    },
  } as StartedSubgraph<N>;
}
