import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { EventEnvelope } from '@supergraph/common';
import { demoUsers } from '@supergraph/demo';
import { loadWebhooksConfig, startWebhooksSubgraph, type WebhooksSubgraph } from '@supergraph/webhooks';
import { createTestDatabase, type TestDatabase } from '../../../test/kit/postgres.ts';
import { connectRabbitMQ, RABBITMQ_URL } from '../../../test/kit/rabbitmq.ts';
import { waitFor } from '../../../test/kit/waitFor.ts';
import { noteCreatedBy } from './events.ts';
import { startReceiver, type Receiver } from './receiver.ts';

// The worker runs as its own process and is killed (SIGKILL: no shutdown
// of any kind) while a delivery is between retries and another attempt is
// in flight; events keep arriving on RabbitMQ while it is dead. A new
// worker on the same database and queue must deliver all of them, each
// event answered once per endpoint.
const repo = path.resolve(import.meta.dirname, '../../..');
const [alice] = demoUsers;
const namespace = `test-webhooks-${randomBytes(4).toString('hex')}`;
let database: TestDatabase;
let receiver: Receiver;
let rabbit: ChannelModel;
let env: NodeJS.ProcessEnv;
let child: ChildProcess | undefined;
let restarted: WebhooksSubgraph | undefined;

beforeAll(async () => {
  database = await createTestDatabase(inject('templates').webhooks);
  receiver = await startReceiver();
  rabbit = await connectRabbitMQ();
  env = {
    ...process.env,
    WEBHOOKS_DATABASE_URL: database.url,
    WEBHOOKS_PORT: '0',
    AMQP_URL: RABBITMQ_URL,
    AMQP_EXCHANGE: `${namespace}.events`,
    WEBHOOKS_QUEUE: `${namespace}.webhooks`,
    WEBHOOKS_ALLOW_LOOPBACK: 'true',
    WEBHOOKS_RETRY_BASE_MS: '200',
    WEBHOOKS_RETRY_MAX_MS: '1000',
    WEBHOOKS_ATTEMPT_TIMEOUT_MS: '1000',
    WEBHOOKS_POLL_INTERVAL_MS: '50',
  };
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await restarted?.stop();
  const channel = await rabbit.createChannel();
  for (const queue of [`${namespace}.webhooks`, `${namespace}.webhooks.dead`]) await channel.deleteQueue(queue);
  for (const exchange of [`${namespace}.events`, `${namespace}.webhooks.dead`]) await channel.deleteExchange(exchange);
  await rabbit.close();
  await receiver.close();
  await database.drop();
});

/** Consumers of the worker's queue; 0 before the worker declared it (a missing queue closes the probe's connection, so each probe has its own). */
async function consumers(): Promise<number> {
  const connection = await connectRabbitMQ();
  connection.on('error', () => {});
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => {});
    return (await channel.checkQueue(`${namespace}.webhooks`)).consumerCount;
  } catch {
    return 0;
  } finally {
    await connection.close().catch(() => {});
  }
}

async function publish(events: EventEnvelope[]): Promise<void> {
  const channel = await rabbit.createConfirmChannel();
  for (const event of events) channel.publish(`${namespace}.events`, event.type, Buffer.from(JSON.stringify(event)), { persistent: true, messageId: event.id });
  await channel.waitForConfirms();
  await channel.close();
}

describe('a delivery worker killed mid-retry', () => {
  it('loses nothing: after a restart every event reaches the endpoint, answered once each', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'subgraphs/webhooks/src/main.ts'], { cwd: repo, env, stdio: 'ignore' });
    await waitFor('the worker to consume its queue', async () => (await consumers()) === 1, { timeoutMs: 30_000 });
    // Straight into the database: the endpoint's owner would have created it through the API.
    const endpoint = await (async () => {
      const probe = await startWebhooksSubgraph(loadWebhooksConfig({ ...env, AMQP_URL: undefined, WEBHOOKS_WORKER: 'false' }));
      try {
        return await probe.db.webhookEndpoint.create({ data: { ownerId: alice!.id, url: receiver.url, eventTypes: ['note.created'], secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } });
      } finally {
        await probe.stop();
      }
    })();

    // Two 503s, then the third attempt is held open: the worker dies with it in flight.
    receiver.answerWith(() => (receiver.requests.length <= 2 ? { status: 503 } : 'hold'));
    const first = noteCreatedBy(alice!.id);
    await publish([first]);
    await waitFor('the third attempt in flight', () => receiver.requests.length >= 3, { timeoutMs: 15_000 });
    child.kill('SIGKILL');
    await waitFor('the worker to be gone', async () => (await consumers()) === 0, { timeoutMs: 10_000 });

    const later = [noteCreatedBy(alice!.id), noteCreatedBy(alice!.id), noteCreatedBy(alice!.id)];
    await publish(later);
    receiver.answerWith(() => ({ status: 204 }));
    restarted = await startWebhooksSubgraph(loadWebhooksConfig(env));

    for (const event of [first, ...later]) {
      // The killed attempt's claim expires (attempt timeout + 5 s) before it is tried again.
      await waitFor(`delivery of ${event.id}`, () => receiver.requestsFor(event.id).some((request) => request.answered === 204), { timeoutMs: 30_000 });
    }
    await waitFor('every delivery recorded', async () => (await restarted!.db.webhookDelivery.count({ where: { endpointId: endpoint.id, status: 'DELIVERED' } })) === 4);
    for (const event of [first, ...later]) expect(receiver.requestsFor(event.id).filter((request) => request.answered === 204)).toHaveLength(1);
    // The receiver saw four requests for the first event; the one the worker died in left no record.
    expect(receiver.requestsFor(first.id)).toHaveLength(4);
    expect(await restarted.db.webhookDelivery.findFirst({ where: { eventId: first.id } })).toMatchObject({ attempts: 3, status: 'DELIVERED' });
  }, 90_000);
});
