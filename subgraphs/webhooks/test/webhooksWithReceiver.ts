import { afterAll, afterEach, beforeAll } from 'vitest';
import { startSubgraphForTest, type StartedSubgraph } from '../../../test/kit/subgraphs.ts';
import { startReceiver, type Receiver } from './receiver.ts';

export interface WebhooksWithReceiver {
  webhooks: StartedSubgraph<'webhooks'>;
  receiver: Receiver;
}

/**
 * For a test file: a webhooks subgraph started with `env` (loopback URLs
 * allowed) and a receiver on 127.0.0.1, both stopped after the file. After
 * each test the receiver answers 204 again and every endpoint is disabled,
 * so an event reaches only the endpoints of the test that sent it. The
 * object's fields are set once the file's `beforeAll` has run.
 */
export function webhooksWithReceiver(env: Record<string, string>): WebhooksWithReceiver {
  const started = {} as WebhooksWithReceiver;
  beforeAll(async () => {
    started.webhooks = await startSubgraphForTest('webhooks', { env: { WEBHOOKS_ALLOW_LOOPBACK: 'true', ...env } });
    started.receiver = await startReceiver();
  });
  afterEach(async () => {
    started.receiver.answerWith(() => ({ status: 204 }));
    await started.webhooks.db.webhookEndpoint.updateMany({ data: { enabled: false } });
  });
  afterAll(async () => {
    await started.webhooks?.stop();
    await started.receiver?.close();
  });
  return started;
}
