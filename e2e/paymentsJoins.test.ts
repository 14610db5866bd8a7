import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventEnvelopeSchema } from '@supergraph/common';
import { composeSupergraph, loadSupergraphConfig, type SubgraphEntry } from '@supergraph/router';
import { publishSupergraph } from '../router/src/schemaWorkflow/publishSupergraph.ts';
import { repo, runCli } from '../router/test/cliProcess.ts';
import { errorCode, graphql } from '../test/kit/graphql.ts';
import { startStack, type TestStack } from '../test/kit/stack.ts';
import { startSubgraphForTest, type StartedSubgraph } from '../test/kit/subgraphs.ts';
import { tokenFor } from '../test/kit/tokens.ts';
import { waitFor } from '../test/kit/waitFor.ts';

// The payments subgraph joins a running supergraph the way a new team's
// would: a line in the subgraph list, `check`, then `publish`; the router
// picks the published supergraph up without a restart.
const ORDER_PAYMENT = 'query($id: ID!) { order(id: $id) { status payment { status amountCents method } } }';
let dir: string;
let published: string;
let entries: SubgraphEntry[];
let payments: StartedSubgraph<'payments'>;
let stack: TestStack;

const entry = ({ name, url, schemaFile, eventsFile }: SubgraphEntry) =>
  `  ${name}:\n    routing_url: ${url}\n    schema:\n      file: ${schemaFile}${eventsFile ? `\n    events:\n      file: ${eventsFile}` : ''}`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'payments-joins-'));
  published = path.join(dir, 'published/supergraph.graphql');
  entries = await loadSupergraphConfig(path.join(repo, 'supergraph.yaml'));
  // The deployment before the join: every subgraph but payments, published.
  const before = entries.filter((subgraph) => subgraph.name !== 'payments');
  await publishSupergraph({ out: published, supergraphSdl: (await composeSupergraph(before)).supergraphSdl, subgraphSdls: {} });
  payments = await startSubgraphForTest('payments');
  stack = await startStack({ bring: ['payments'], routerEnv: { SUPERGRAPH_FILE: published } });
});
afterAll(async () => {
  await stack?.stop();
  await payments?.stop();
});

describe('the payments subgraph', () => {
  it('joins the running router by check and publish, and Order.payment resolves through federation', async () => {
    const token = await tokenFor(randomUUID());
    const product = await stack.orders.db.product.create({ data: { name: 'Join', priceCents: 999, stock: 5 } });
    const placed = await graphql(stack.router.url, 'mutation($p: ID!) { placeOrder(input: { items: [{ productId: $p, quantity: 2 }] }, idempotencyKey: "join") { id } }', { p: product.id }, { token });
    const orderId = placed.data!.placeOrder.id as string;
    // Fed by hand what RabbitMQ would carry: the order's order.placed, from the orders outbox.
    const [row] = await stack.orders.db.$queryRawUnsafe<{ payload: unknown }[]>(`SELECT payload FROM "OutboxEvent" WHERE payload->'data'->>'orderId' = $1`, orderId);
    await payments.takeIn(eventEnvelopeSchema.parse(row!.payload));

    const unknown = await graphql(stack.router.url, ORDER_PAYMENT, { id: orderId }, { token });
    expect(errorCode(unknown)).toBe('GRAPHQL_VALIDATION_FAILED');

    const config = path.join(dir, 'supergraph.yaml');
    const listed = entries.map((subgraph) => entry(subgraph.name === 'payments' ? { ...subgraph, url: payments.url } : subgraph));
    await writeFile(config, `federation_version: =2.9.0\nsubgraphs:\n${listed.join('\n')}\n`);
    const check = await runCli(['check', 'payments', '--config', config, '--published', published, '--operations', path.join(repo, 'operations')]);
    expect(check.code, check.stdout + check.stderr).toBe(0);

    const reloads = stack.router.reloads.applied;
    const publish = await runCli(['publish', 'payments', '--config', config, '--out', published, '--operations', path.join(repo, 'operations')]);
    expect(publish.code, publish.stdout + publish.stderr).toBe(0);
    await waitFor('the router to load the published supergraph', () => stack.router.reloads.applied > reloads, { timeoutMs: 10_000 });

    const joined = await graphql(stack.router.url, ORDER_PAYMENT, { id: orderId }, { token });
    expect(joined.errors).toBeUndefined();
    expect(joined.data!.order).toEqual({ status: 'PENDING', payment: { status: 'AUTHORIZED', amountCents: 1998, method: 'pm_card_ok' } });
    const other = await graphql(stack.router.url, ORDER_PAYMENT, { id: orderId }, { token: await tokenFor(randomUUID()) });
    expect(errorCode(other)).toBe('FORBIDDEN');
  });
});
