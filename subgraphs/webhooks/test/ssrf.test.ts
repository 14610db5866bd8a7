import diagnosticsChannel from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '@supergraph/demo';
import { startSubgraphForTest, type StartedSubgraph } from '../../../test/kit/subgraphs.ts';
import { waitFor } from '../../../test/kit/waitFor.ts';
import { noteCreatedBy } from './events.ts';
import { startReceiver, type Receiver } from './receiver.ts';

// Without WEBHOOKS_ALLOW_LOOPBACK, as in any real deployment. The endpoints
// are written straight into the database, as if their names had resolved
// to a public address at create time and changed since (DNS rebinding): the
// sender must refuse them on its own, before any connection is attempted.
const [alice] = demoUsers;
let webhooks: StartedSubgraph<'webhooks'>;
let receiver: Receiver;
const connecting: string[] = [];
const onConnect = (message: unknown) => connecting.push(String((message as { connectParams: { hostname: string } }).connectParams.hostname));

beforeAll(async () => {
  webhooks = await startSubgraphForTest('webhooks', { env: { WEBHOOKS_POLL_INTERVAL_MS: '50' } });
  receiver = await startReceiver();
  // undici announces every connection it is about to open here.
  diagnosticsChannel.subscribe('undici:client:beforeConnect', onConnect);
});
afterAll(async () => {
  diagnosticsChannel.unsubscribe('undici:client:beforeConnect', onConnect);
  await webhooks?.stop();
  await receiver?.close();
});

describe('sending to a forbidden address', () => {
  it.each([
    ['a private address', 'http://10.0.0.1/hook', /10\.0\.0\.1 is a private address/],
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data', /169\.254\.169\.254 is a linkLocal address/],
    ['loopback, outside the test allowance', () => receiver.url, /127\.0\.0\.1 is a loopback address/],
    ['a name that resolves to loopback', () => `http://localhost:${receiver.port}/hook`, /localhost resolves to .* loopback address/],
  ])('is refused at send time for %s, never retried, and nothing is sent', async (_what, target, reason) => {
    const url = typeof target === 'string' ? target : target();
    const endpoint = await webhooks.db.webhookEndpoint.create({ data: { ownerId: alice!.id, url, eventTypes: ['*'], secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } });
    const event = noteCreatedBy(alice!.id);
    await webhooks.takeIn(event);
    const delivery = await waitFor('the refusal', async () => {
      const row = await webhooks.db.webhookDelivery.findFirst({ where: { endpointId: endpoint.id, status: 'FAILED' } });
      return row;
    });
    expect(delivery).toMatchObject({ attempts: 1, lastHttpStatus: null });
    expect(delivery.lastError).toMatch(/^refused: /);
    expect(delivery.lastError).toMatch(reason);
    expect(receiver.requests).toHaveLength(0);
    const host = new URL(url).hostname;
    expect(connecting).not.toContain(host);
    await webhooks.db.webhookEndpoint.update({ where: { id: endpoint.id }, data: { enabled: false } });
  });

  it('(control) the connection announcements the checks above rely on are heard', async () => {
    await fetch(receiver.url, { method: 'POST', body: '{}' });
    expect(connecting).toContain('127.0.0.1');
  });
});
