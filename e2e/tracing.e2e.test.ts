import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordSpans, type SpanRecorder } from '@supergraph/common';
import { demoUsers } from '@supergraph/demo';
import { graphql } from '../test/kit/graphql.ts';
import { startPipeline, type Pipeline } from '../test/kit/pipeline.ts';
import { tokenFor } from '../test/kit/tokens.ts';
import { waitFor } from '../test/kit/waitFor.ts';
import { subscribe, wsClient } from '../test/kit/wsClient.ts';

// One trace from a mutation to a subscriber, across the real services: the
// router, the notes subgraph and its Prisma queries, the outbox relay,
// RabbitMQ, the bridge, Redis and the router's subscription resolution. The
// test runs every service in this process, so one in-memory exporter sees
// every span; each span's instrumentation scope names the service it is from.
let recorder: SpanRecorder;
let pipeline: Pipeline;
const [alice] = demoUsers;

beforeAll(async () => {
  recorder = recordSpans();
  pipeline = await startPipeline();
});
afterAll(async () => {
  await pipeline?.stop();
  await recorder?.shutdown();
});

const spanId = (span: { spanContext(): { spanId: string } }) => span.spanContext().spanId;
const traceId = (span: { spanContext(): { traceId: string } }) => span.spanContext().traceId;

it('traces createNote with a live subscriber from the router through notes, the relay and the bridge back to the router', async () => {
  const [router] = pipeline.routers;
  const token = await tokenFor(alice.id);
  const client = wsClient(router!.url, token);
  const sub = subscribe(client, 'subscription { noteCreated { title author { name } } }');
  await waitFor('the subscription to listen', async () => router!.subscriptions!.subscriberCount === 1 && (await router!.subscriptions!.ready(), true));

  const created = await graphql(router!.url, 'mutation { createNote(input: { title: "Traced", content: "." }) { id } }', {}, { token });
  expect(created.errors).toBeUndefined();
  expect((await sub.nth(1)).data.noteCreated).toEqual({ title: 'Traced', author: { name: alice.name } });

  // The resolution span ends before its result is pushed, so it is recorded by now.
  const resolution = recorder.spans().find((span) => span.name === 'resolve subscription note.created')!;
  expect(resolution).toBeDefined();
  // The hops before it end their spans when their own work is acknowledged
  // (the relay's at RabbitMQ's confirm, the bridge's at Redis's reply, the
  // router's request when its response closes), which may come a moment
  // after the next hop has started: wait for every one of them.
  const scopesNeeded = ['router', 'apollo/gateway-js', 'notes', 'prisma', 'outbox-relay', 'bridge'];
  const trace = await waitFor('every hop of the trace to end its span', () => {
    const spans = recorder.spans().filter((span) => traceId(span) === traceId(resolution));
    const ended = new Set(spans.map((span) => span.instrumentationScope.name));
    const rootEnded = spans.some((span) => span.parentSpanContext === undefined);
    return scopesNeeded.every((scope) => ended.has(scope)) && rootEnded && spans;
  });
  // Prisma's query spans (a database round trip each) are in it too.
  expect(trace.some((span) => span.name === 'prisma:client:db_query')).toBe(true);
  const byId = new Map(trace.map((span) => [spanId(span), span]));
  const parentOf = (span: (typeof trace)[number]) => byId.get(span.parentSpanContext?.spanId ?? '');
  const scopes = new Set(trace.map((span) => span.instrumentationScope.name));
  for (const scope of scopesNeeded) expect(scopes.has(scope), scope).toBe(true);

  // The chain, hop by hop: the resolution under the bridge's forward, under
  // the relay's publish, under the notes request the router sent for the mutation.
  const forward = parentOf(resolution)!;
  expect(forward).toMatchObject({ name: 'forward note.created', instrumentationScope: { name: 'bridge' } });
  const publish = parentOf(forward)!;
  expect(publish).toMatchObject({ name: 'publish note.created', instrumentationScope: { name: 'outbox-relay' } });
  // The event was written by the mutation's resolver, in the statement that wrote the note.
  const resolver = parentOf(publish)!;
  expect(resolver).toMatchObject({ name: 'resolve Mutation.createNote', instrumentationScope: { name: 'notes' } });
  const notesRequest = parentOf(resolver)!;
  expect(notesRequest).toMatchObject({ name: 'POST /graphql', instrumentationScope: { name: 'notes' } });
  const fetch = parentOf(notesRequest)!;
  expect(fetch).toMatchObject({ name: 'gateway.fetch', instrumentationScope: { name: 'apollo/gateway-js' } });
  let root = fetch;
  while (parentOf(root)) root = parentOf(root)!;
  expect(root).toMatchObject({ name: 'POST /graphql', instrumentationScope: { name: 'router' } });
  expect(trace.some((span) => span.name === 'gateway.plan')).toBe(true);
  // The resolution's own lookups of the note and its author, through the gateway, in the same trace.
  expect(trace.filter((span) => span.name === 'gateway.fetch' && parentOf(span) !== undefined).length).toBeGreaterThan(1);
  sub.dispose();
  await client.dispose();
});
