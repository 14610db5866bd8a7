import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { REQUEST_ID_HEADER, type EventEnvelope } from '@supergraph/common';
import { startEventRecorder } from '../../../test/kit/eventRecorder.ts';
import { graphql } from '../../../test/kit/graphql.ts';
import { RABBITMQ_URL } from '../../../test/kit/rabbitmq.ts';
import { startSubgraphForTest } from '../../../test/kit/subgraphs.ts';
import { tokenFor } from '../../../test/kit/tokens.ts';
import { alice } from './fixtures.ts';

const CREATE_NOTE = `mutation($input: CreateNoteInput!) { createNote(input: $input) { id } }`;

// The subgraph's polls are a minute apart in these tests: an event that
// arrives came through LISTEN/NOTIFY.
const SLOW_POLL = { OUTBOX_POLL_INTERVAL_MS: '60000' };

let stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const stop of stops.reverse()) await stop();
  stops = [];
});

async function createNote(url: string, requestId: string): Promise<string> {
  const response = await graphql(url, CREATE_NOTE, { input: { title: 'Evented', content: 'c' } }, {
    token: await tokenFor(alice.id),
    headers: { [REQUEST_ID_HEADER]: requestId },
  });
  expect(response.errors).toBeUndefined();
  return response.data!.createNote.id;
}

describe('where the notes subgraph sends its events', () => {
  it('sends them to an injected publisher, which wins over AMQP_URL', async () => {
    const received: EventEnvelope[] = [];
    const publisher = { publish: async (events: EventEnvelope[]) => void received.push(...events), close: async () => {} };
    const notes = await startSubgraphForTest('notes', {
      env: { ...SLOW_POLL, AMQP_URL: 'amqp://guest:guest@127.0.0.1:1' },
      events: { publisher },
    });
    stops.push(() => notes.stop());

    const published = once(notes.outboxRelay!, 'published');
    const noteId = await createNote(notes.url, 'req-injected');
    await published;

    expect(received).toEqual([expect.objectContaining({ type: 'note.created', aggregateId: noteId, correlationId: 'req-injected' })]);
    expect(await notes.outboxRelay!.pending()).toBe(0);
  });

  it('publishes them to RabbitMQ when AMQP_URL is set', async () => {
    const rabbit = await startEventRecorder();
    stops.push(() => rabbit.stop());
    const notes = await startSubgraphForTest('notes', { env: { ...SLOW_POLL, AMQP_URL: RABBITMQ_URL, AMQP_EXCHANGE: rabbit.exchange } });
    stops.push(() => notes.stop());

    const noteId = await createNote(notes.url, 'req-rabbit');
    await rabbit.waitForCount(1);

    expect(rabbit.events).toEqual([expect.objectContaining({ type: 'note.created', aggregateId: noteId, correlationId: 'req-rabbit' })]);
    expect(rabbit.messages[0]!.fields.routingKey).toBe('note.created');
  });

  it('keeps them in the outbox, running no relay, with neither AMQP_URL nor a publisher', async () => {
    const notes = await startSubgraphForTest('notes', { env: { AMQP_URL: undefined } });
    stops.push(() => notes.stop());

    await createNote(notes.url, 'req-kept');

    expect(notes.outboxRelay).toBeNull();
    expect(await notes.db.outboxEvent.count({ where: { publishedAt: null } })).toBe(1);
  });
});
