import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PubSub } from 'graphql-subscriptions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, createLogger, type EventEnvelope } from '@supergraph/common';
import { demoUsers } from '@supergraph/demo';
import { composeSupergraph, loadSupergraphConfig, pubSubEventSource } from '@supergraph/router';
import { publishSupergraph } from '../src/schemaWorkflow/publishSupergraph.ts';
import { reviewPostedEvent } from '../../test/fixtures/reviews/events.ts';
import { serveReviews, type Review } from '../../test/fixtures/reviews/serveReviews.ts';
import { startStack, type TestStack } from '../../test/kit/stack.ts';
import { tokenFor } from '../../test/kit/tokens.ts';
import { waitFor } from '../../test/kit/waitFor.ts';
import { subscribe, wsClient } from '../../test/kit/wsClient.ts';
import { repo, runCli } from './cliProcess.ts';

// The reviews subgraph (test/fixtures/reviews) is a team's new subgraph: its
// SDL declares its own event type and an event-fed Subscription field. It
// joins by `publish` alone; nothing under router/ or common/ names it.
const bus = new PubSub();
const reviews = new Map<string, Review>();
const [alice, bob] = demoUsers;
let stack: TestStack;
let reviewsServer: Awaited<ReturnType<typeof serveReviews>>;
let dir: string;
let published: string;

/** What the reviews team's code would write to its outbox, as the bridge delivers it. */
function reviewPosted(review: Review): EventEnvelope {
  reviews.set(review.id, review);
  const { contract, ...content } = reviewPostedEvent.build({ aggregateId: review.id, aggregateVersion: 1, data: { reviewId: review.id, authorId: review.authorId } });
  return createEvent({ ...content, type: contract.type, aggregateType: contract.aggregateType }, { actorId: review.authorId, correlationId: null });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'joins-'));
  published = path.join(dir, 'published/supergraph.graphql');
  const entries = await loadSupergraphConfig(path.join(repo, 'supergraph.yaml'));
  await publishSupergraph({
    out: published,
    supergraphSdl: (await composeSupergraph(entries)).supergraphSdl,
    subgraphSdls: {},
  });
  reviewsServer = await serveReviews(reviews);
  stack = await startStack({
    seed: true,
    routerEnv: { SUPERGRAPH_FILE: published },
    runtime: { eventSource: pubSubEventSource(bus, createLogger('test', 'silent')) },
  });
  // The team's change to the deployment's subgraph list: one entry.
  const config = path.join(dir, 'supergraph.yaml');
  const entry = (name: string, url: string, schema: string, events?: string) =>
    `  ${name}:\n    routing_url: ${url}\n    schema:\n      file: ${schema}${events ? `\n    events:\n      file: ${events}` : ''}`;
  const listed = entries.map(({ name, url, schemaFile, eventsFile }) => entry(name, url, schemaFile, eventsFile));
  const fixture = path.join(repo, 'test/fixtures/reviews');
  const reviewsEntry = entry('reviews', reviewsServer.url, path.join(fixture, 'schema.graphql'), path.join(fixture, 'events.ts'));
  await writeFile(config, `federation_version: =2.9.0\nsubgraphs:\n${[...listed, reviewsEntry].join('\n')}\n`);

  const reloads = stack.router.reloads.applied;
  const publish = await runCli(['publish', 'reviews', '--config', config, '--out', published, '--operations', path.join(repo, 'operations')]);
  expect(publish.stderr).not.toContain('Nothing was published');
  expect(publish.code).toBe(0);
  await waitFor('the router to load the published supergraph', () => stack.router.reloads.applied > reloads, { timeoutMs: 10_000 });
});
afterAll(async () => {
  await stack?.stop();
  await reviewsServer?.stop();
});

describe('a subgraph that joins with an event-fed subscription', () => {
  it('is served after `publish`, its events resolved across subgraphs and filtered by its own directive, with no change under router/ or common/', async () => {
    const client = wsClient(stack.router.url, await tokenFor(alice.id));
    const bobsReviews = subscribe(client, 'subscription($a: ID) { reviewPosted(authorId: $a) { body author { name } } }', { a: bob.id });
    await waitFor('the subscription', () => stack.router.subscriptions!.subscriberCount === 1, { timeoutMs: 5_000 });
    await stack.router.subscriptions!.ready();

    await bus.publish('review.posted', reviewPosted({ id: randomUUID(), body: 'by alice', authorId: alice.id }));
    await bus.publish('review.posted', reviewPosted({ id: randomUUID(), body: 'by bob', authorId: bob.id }));

    expect(await bobsReviews.nth(1)).toMatchObject({
      data: { reviewPosted: { body: 'by bob', author: { name: bob.name } } },
      extensions: { event: { type: 'review.posted' } },
    });
    expect(await stack.router.subscriptions!.settled()).toBe(true);
    expect(bobsReviews.results).toHaveLength(1);
    await client.dispose();
  });
});
