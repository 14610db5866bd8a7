import { rm } from 'node:fs/promises';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoUsers } from '@supergraph/demo';
import { startSupergraph, type Supergraph } from '../scripts/startSupergraph.ts';
import { startReceiver, type Receiver } from '../subgraphs/webhooks/test/receiver.ts';
import { graphql } from '../test/kit/graphql.ts';
import { embeddedEnv } from '../test/kit/embeddedEnv.ts';
import { embeddedDataDir } from '../test/kit/pglite.ts';
import { waitFor } from '../test/kit/waitFor.ts';

// npm start's embedded path: PGlite databases and the in-process bus, no
// RabbitMQ. A note created through the router reaches its author's webhook.
const [alice] = demoUsers;
let dataDir: string;
let supergraph: Supergraph;
let receiver: Receiver;

beforeAll(async () => {
  dataDir = await embeddedDataDir('supergraph-embedded-webhooks-');
  receiver = await startReceiver();
  const env = embeddedEnv(dataDir, { SEED_DEMO_DATA: 'true', WEBHOOKS_ALLOW_LOOPBACK: 'true' });
  delete env.AMQP_URL;
  supergraph = await startSupergraph(env, () => {});
});
afterAll(async () => {
  await supergraph?.stop();
  await receiver?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('webhooks under npm start', () => {
  it('deliver a note created through the router to its author\'s endpoint, signed', async () => {
    const login = await graphql(supergraph.url, 'mutation($input: LogInInput!) { logIn(input: $input) { token } }', { input: { email: alice!.email, password: DEMO_PASSWORD } });
    const token = login.data!.logIn.token as string;
    const created = await graphql(
      supergraph.url,
      'mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { id } } }',
      { input: { url: receiver.url, eventTypes: ['note.created'] } },
      { token },
    );
    expect(created.errors).toBeUndefined();
    const { secret } = created.data!.createWebhookEndpoint;

    const note = await graphql(supergraph.url, 'mutation { createNote(input: { title: "Hooked", content: "c" }) { id } }', {}, { token });
    expect(note.errors).toBeUndefined();
    const request = await waitFor('the webhook', () => receiver.requests.find((r) => JSON.parse(r.body).data.noteId === note.data!.createNote.id), { timeoutMs: 20_000 });
    expect(() => new Webhook(secret).verify(request.body, request.headers as Record<string, string>)).not.toThrow();
    expect(JSON.parse(request.body)).toMatchObject({ type: 'note.created', ownerId: alice!.id, data: { title: 'Hooked' } });
  });
});
