import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createLogger, runMigrations } from '@supergraph/common';
import { loadNotesConfig, seedNotes, startNotesSubgraph } from '@supergraph/notes';
import { loadOrdersConfig, PAYMENT_EVENT_TYPES, seedOrders, startOrdersSubgraph } from '@supergraph/orders';
import { loadPaymentsConfig, ORDER_EVENT_TYPES, startPaymentsSubgraph } from '@supergraph/payments';
import { loadRouterConfig, startRouter } from '@supergraph/router';
import { loadUsersConfig, seedUsers, startUsersSubgraph } from '@supergraph/users';
import { loadWebhooksConfig, startWebhooksSubgraph } from '@supergraph/webhooks';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embeddedPostgres.ts';
import { createInProcessEvents } from './inProcessEvents.ts';
import { localSecretsKey } from './localSecretsKey.ts';

const root = path.resolve(import.meta.dirname, '..');

/**
 * Connections each subgraph's pool opens to its embedded Postgres. That
 * serves one connection at a time (a whole exchange or transaction each,
 * see servePGlite.ts), so more would only wait there.
 */
const EMBEDDED_POOL_SIZE = 4;

/**
 * Demo accounts have a public password, so they are created only when asked:
 * SEED_DEMO_DATA=true, or by default in development (npm start's default).
 */
export function seedDemoData(env: NodeJS.ProcessEnv): boolean {
  if (env.SEED_DEMO_DATA !== undefined) return env.SEED_DEMO_DATA === 'true';
  return (env.NODE_ENV ?? 'development') === 'development';
}

export interface Supergraph {
  url: string;
  /** Where each subgraph listens; they answer only requests the router signed. */
  subgraphUrls: { users: string; notes: string; orders: string; payments: string; webhooks: string };
  stop: () => Promise<void>;
}

/**
 * Runs the whole supergraph in one process. Each subgraph uses the database
 * named by `<NAME>_DATABASE_URL`, or, when that is unset, an embedded
 * PostgreSQL under `SUPERGRAPH_DATA_DIR` (default `.data/`). Migrations are
 * applied on every start, and demo data seeded (idempotently) when
 * `seedDemoData` says so. Events travel
 * through RabbitMQ and Redis when `AMQP_URL` and `REDIS_URL` are both set
 * (run the bridge too), otherwise in process. Without
 * `SUBGRAPH_SIGNING_SECRETS`, a secret made for this run signs the router's
 * requests to the subgraphs, so their ports answer nothing else here either.
 */
export async function startSupergraph(env: NodeJS.ProcessEnv = process.env, log = console.log): Promise<Supergraph> {
  const dataDir = path.resolve(root, env.SUPERGRAPH_DATA_DIR ?? '.data');
  const embedded: EmbeddedPostgres[] = [];
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const stopOne of stops.reverse()) await stopOne();
    for (const database of embedded) await database.stop();
  };

  try {
    const names = ['users', 'notes', 'orders', 'payments', 'webhooks'] as const;
    const urls = await Promise.all(
      names.map(async (name) => {
        const variable = `${name.toUpperCase()}_DATABASE_URL`;
        if (env[variable]) return { name, variable, url: env[variable]!, embedded: false };
        const database = await startEmbeddedPostgres(path.join(dataDir, name));
        embedded.push(database);
        return { name, variable, url: database.url, embedded: true };
      }),
    );
    log(`Applying migrations (${urls.map((u) => `${u.name}: ${u.embedded ? 'embedded' : 'external'}`).join(', ')})...`);
    await Promise.all(urls.map(({ name, variable, url }) => runMigrations(path.join(root, 'subgraphs', name), variable, url)));

    // Every service runs in this process, so a secret nobody else knows costs nothing to share.
    const signing = env.SUBGRAPH_SIGNING_SECRETS?.trim() ? {} : { SUBGRAPH_SIGNING_SECRETS: `whsec_${randomBytes(32).toString('base64')}` };
    const external = Boolean(env.AMQP_URL && env.REDIS_URL);
    const inProcess = external ? null : createInProcessEvents(createLogger('events', env.LOG_LEVEL ?? 'info'));
    const subgraphEnv: NodeJS.ProcessEnv = { ...env, ...signing };
    if (!env.WEBHOOKS_SECRETS_KEY?.trim()) subgraphEnv.WEBHOOKS_SECRETS_KEY = await localSecretsKey(dataDir);
    if (inProcess) {
      delete subgraphEnv.AMQP_URL;
      // The embedded Postgres serves one session; polling is simpler than LISTEN there and 100 ms is plenty.
      subgraphEnv.OUTBOX_LISTEN = 'false';
      subgraphEnv.OUTBOX_POLL_INTERVAL_MS = '100';
    }
    const events = inProcess ? { publisher: inProcess.publisher } : undefined;
    // Asking for the demo data is allowing it, in production too.
    if (seedDemoData(env)) subgraphEnv.ALLOW_DEMO_ACCOUNTS = 'true';
    for (const { variable, url, embedded: isEmbedded, name } of urls) {
      subgraphEnv[variable] = url;
      if (isEmbedded) subgraphEnv[`${name.toUpperCase()}_DB_POOL_SIZE`] = String(EMBEDDED_POOL_SIZE);
    }
    const users = await startUsersSubgraph(loadUsersConfig(subgraphEnv), events);
    stops.push(users.stop);
    const notes = await startNotesSubgraph(loadNotesConfig(subgraphEnv), events);
    stops.push(notes.stop);
    const orders = await startOrdersSubgraph(loadOrdersConfig(subgraphEnv), events);
    stops.push(orders.stop);
    const payments = await startPaymentsSubgraph(loadPaymentsConfig(subgraphEnv), events);
    stops.push(payments.stop);
    // The order saga's steps, fed by the in-process bus as their own queues would be by RabbitMQ.
    inProcess?.consume('payments', ORDER_EVENT_TYPES, payments.takeIn);
    inProcess?.consume('orders', PAYMENT_EVENT_TYPES, orders.takeIn);
    // Its delivery worker takes events from the in-process bus, or from its own RabbitMQ queue.
    const webhooks = await startWebhooksSubgraph(loadWebhooksConfig(subgraphEnv), events);
    stops.push(webhooks.stop);
    inProcess?.consume('webhooks', null, webhooks.takeIn);
    if (seedDemoData(env)) await Promise.all([seedUsers(users.db), seedNotes(notes.db), seedOrders(orders.db)]);

    const router = await startRouter(
      loadRouterConfig({
        ...env,
        ...signing,
        USERS_ROUTING_URL: users.url,
        NOTES_ROUTING_URL: notes.url,
        ORDERS_ROUTING_URL: orders.url,
        PAYMENTS_ROUTING_URL: payments.url,
        WEBHOOKS_ROUTING_URL: webhooks.url,
        ...(inProcess ? { REDIS_URL: undefined } : {}),
      }),
      inProcess ? { eventSource: inProcess.eventSource } : {},
    );
    stops.push(router.stop);
    return { url: router.url, subgraphUrls: { users: users.url, notes: notes.url, orders: orders.url, payments: payments.url, webhooks: webhooks.url }, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
