import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '@supergraph/demo';
import { graphql } from '../test/kit/graphql.ts';
import { startPipeline, type Pipeline } from '../test/kit/pipeline.ts';
import { connectRabbitMQ } from '../test/kit/rabbitmq.ts';
import { tokenFor } from '../test/kit/tokens.ts';
import { waitFor } from '../test/kit/waitFor.ts';
import { subscribe, wsClient } from '../test/kit/wsClient.ts';

// The whole event path on real services: a mutation's outbox row, the relay,
// RabbitMQ, the bridge, Redis, two routers, graphql-ws clients.
let pipeline: Pipeline;
const [alice, bob] = demoUsers;
let aliceToken: string;
let bobToken: string;

const subscribed = (count: number, routers = pipeline.routers) =>
  waitFor(`${count} subscriptions on each router`, async () => {
    for (const router of routers) {
      if (router.subscriptions!.subscriberCount < count) return false;
      await router.subscriptions!.ready();
    }
    return true;
  });

beforeAll(async () => {
  pipeline = await startPipeline({ routers: 2 });
  [aliceToken, bobToken] = await Promise.all([tokenFor(alice.id), tokenFor(bob.id)]);
});
afterAll(() => pipeline?.stop());

describe('subscriptions fed by real events', () => {
  it("delivers B's new note to A with the author's name within a second", async () => {
    const [router] = pipeline.routers;
    const client = wsClient(router!.url, aliceToken);
    const sub = subscribe(client, 'subscription { noteCreated { title author { name } } }');
    await subscribed(1, [router!]);
    // The first event pays for connections and query plans; the bar is for a running system.
    await graphql(router!.url, 'mutation { createNote(input: { title: "Warm-up", content: "." }) { id } }', {}, { token: bobToken });
    await sub.nth(1);

    const started = Date.now();
    await graphql(router!.url, 'mutation { createNote(input: { title: "From B", content: "hi" }) { id } }', {}, { token: bobToken });
    const result = await sub.nth(2, 1_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(result.data).toEqual({ noteCreated: { title: 'From B', author: { name: bob.name } } });
    sub.dispose();
    await client.dispose();
  });

  it('delivers each event exactly once to every subscriber on both routers', async () => {
    const clients = pipeline.routers.flatMap((router) => [wsClient(router.url, aliceToken), wsClient(router.url, bobToken)]);
    const subs = clients.map((client) => subscribe(client, 'subscription { noteCreated { id } }'));
    await subscribed(2);

    const ids: string[] = [];
    // The fourth note is a sentinel: a duplicate of the first three would arrive before it.
    for (const title of ['one', 'two', 'three', 'sentinel']) {
      const created = await graphql(pipeline.routers[0]!.url, 'mutation($t: String!) { createNote(input: { title: $t, content: "." }) { id } }', { t: title }, { token: aliceToken });
      ids.push(created.data!.createNote.id);
    }
    for (const sub of subs) {
      await sub.nth(4);
      expect(sub.results.map((result) => result.data.noteCreated.id)).toEqual(ids);
    }
    subs.forEach((sub) => sub.dispose());
    await Promise.all(clients.map((client) => client.dispose()));
  });

  it('dead-letters a malformed message with its reason and keeps delivering valid events', async () => {
    const [router] = pipeline.routers;
    const client = wsClient(router!.url, aliceToken);
    const sub = subscribe(client, 'subscription { noteCreated { title } }');
    await subscribed(1, [router!]);

    const connection = await connectRabbitMQ();
    const channel = await connection.createChannel();
    channel.publish(`${pipeline.namespace}.events`, 'note.created', Buffer.from('{"this is": "not an event"}'));
    await graphql(router!.url, 'mutation { createNote(input: { title: "After the poison", content: "." }) { id } }', {}, { token: aliceToken });
    expect((await sub.nth(1)).data.noteCreated.title).toBe('After the poison');

    const dead = await waitFor('the dead letter', () => channel.get(`${pipeline.namespace}.bridge.dead`, { noAck: true }));
    expect(dead.content.toString()).toBe('{"this is": "not an event"}');
    expect(String(dead.properties.headers?.['x-dead-letter-reason'])).toMatch(/id|type/);
    await connection.close();
    sub.dispose();
    await client.dispose();
  });
});
