import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '@supergraph/demo';
import { createNote } from '../test/kit/notes.ts';
import { startPipeline, type Pipeline } from '../test/kit/pipeline.ts';
import { sseClient } from '../test/kit/sseClient.ts';
import { tokenFor } from '../test/kit/tokens.ts';
import { waitFor } from '../test/kit/waitFor.ts';
import { subscribe, wsClient, type StreamingClient } from '../test/kit/wsClient.ts';

// A client that lost its connection resumes from the last event id it
// received: the missed events come from the bridge's Redis history, then
// live ones, none twice, over graphql-ws (extensions.lastEventId) and SSE
// (Last-Event-ID).
const [alice] = demoUsers;
let pipeline: Pipeline;
let token: string;
const QUERY = 'subscription { noteCreated { id } }';

type Transport = { name: string; connect: (lastEventId?: string) => { client: StreamingClient; extensions?: Record<string, unknown>; close: () => unknown } };
const transports: Transport[] = [
  {
    name: 'graphql-ws',
    connect: (lastEventId) => {
      const client = wsClient(pipeline.routers[0]!.url, token);
      return { client, extensions: lastEventId ? { lastEventId } : undefined, close: () => client.dispose() };
    },
  },
  {
    name: 'SSE',
    connect: (lastEventId) => ({ client: sseClient(pipeline.routers[0]!.url, token, { lastEventId }), close: () => {} }),
  },
];

const subscribers = () => pipeline.routers[0]!.subscriptions!.subscriberCount;
const delivered = async () => (await pipeline.bridge.metrics.counts()).delivered;

beforeAll(async () => {
  pipeline = await startPipeline();
  token = await tokenFor(alice.id);
});
afterAll(() => pipeline?.stop());

describe.each(transports)('resuming a subscription over $name', ({ connect }) => {
  it('receives exactly the 100 notes created while it was away for 5 s, in order, then live ones', async () => {
    const url = pipeline.routers[0]!.url;
    const first = connect();
    const before = subscribe(first.client, QUERY);
    await waitFor('the subscription', () => subscribers() === 1);
    await pipeline.routers[0]!.subscriptions!.ready();
    const last = await createNote(url, token, 'before the disconnect');
    const lastResult = await before.nth(1, 10_000);
    expect(lastResult.data.noteCreated.id).toBe(last);
    before.dispose();
    await first.close();
    const awayAt = Date.now();
    await waitFor('the subscription to end', () => subscribers() === 0);

    const sent = await delivered();
    const missed: string[] = [];
    for (let i = 0; i < 100; i++) missed.push(await createNote(url, token, `missed ${i}`));
    await waitFor('the bridge to publish the 100 events', async () => (await delivered()) >= sent + 100, { timeoutMs: 60_000 });
    await waitFor('5 s away', () => Date.now() - awayAt >= 5_000, { timeoutMs: 10_000, intervalMs: 100 });

    const second = connect(lastResult.extensions.event.id);
    const resumed = subscribe(second.client, QUERY, {}, second.extensions);
    await resumed.nth(100, 30_000);
    // A note created after the replay: a duplicate of any replayed event would arrive before it.
    const live = await createNote(url, token, 'after the resume');
    await resumed.nth(101, 10_000);
    expect(resumed.results.map((result) => result.data.noteCreated.id)).toEqual([...missed, live]);
    resumed.dispose();
    await second.close();
    await waitFor('the subscription to end', () => subscribers() === 0);
  }, 120_000);

  it('answers an id the history does not hold with EVENTS_EXPIRED, so the client refetches', async () => {
    const connection = connect(randomUUID());
    const resumed = subscribe(connection.client, QUERY, {}, connection.extensions);
    const result = await resumed.nth(1, 10_000);
    expect(result.errors[0].extensions.code).toBe('EVENTS_EXPIRED');
    await waitFor('the subscription to end', () => subscribers() === 0);
    await connection.close();
  });
});
