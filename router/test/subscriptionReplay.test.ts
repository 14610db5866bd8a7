import { PubSub } from 'graphql-subscriptions';
import { describe, expect, it } from 'vitest';
import { createMemoryEventSink } from '@supergraph/bridge';
import { createEvent, createLogger, MemoryEventHistory, type EventEnvelope } from '@supergraph/common';
import { memoryEventSource } from '@supergraph/router';
import { SubscriptionHub, type SubscriptionSpec } from '../src/subscriptions/subscriptionHub.ts';
import { waitFor } from '../../test/kit/waitFor.ts';

const logger = createLogger('test', 'silent');

// Found by hostile testing: a client that resumed from far back and went away kept its replay running, one lookup per missed event.
describe('replaying missed events to a resuming subscriber', () => {
  it('stops looking events up as soon as the subscriber goes away', async () => {
    const pubsub = new PubSub();
    const history = new MemoryEventHistory({ retentionMs: 60_000 });
    const sink = createMemoryEventSink({ history, publish: (positioned) => void pubsub.publish(positioned.event.type, positioned) });
    const hub = new SubscriptionHub(memoryEventSource(pubsub, history, logger), logger);
    const events: EventEnvelope[] = [];
    for (let i = 0; i < 300; i++) {
      const event = createEvent({ type: 'thing.happened', aggregateType: 'Thing', aggregateId: `t${i}`, aggregateVersion: 1, data: {} }, { actorId: null, correlationId: null });
      events.push(event);
      await sink.publishOnce(event);
    }
    let lookups = 0;
    const spec: SubscriptionSpec = {
      key: 'replay',
      feed: { field: 'thingHappened', types: ['thing.happened'], match: [], lookup: 'thing' },
      args: {},
      resolve: async (event) => {
        lookups++;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return { data: { thingHappened: { id: event.aggregateId } }, extensions: { event: { id: event.id } } };
      },
      revalidate: () => [],
    };

    const stream = hub.subscribe(spec, events[0]!.id);
    for (let i = 0; i < 3; i++) expect((await stream.next()).value.data.thingHappened.id).toBe(`t${i + 1}`);
    await stream.return!();
    const afterReturn = lookups;
    await waitFor('the hub to let the subscriber go', () => hub.subscriberCount === 0);
    expect(await hub.settled()).toBe(true);
    // A lookup or two may have been under way; none of the ~296 left is made.
    expect(lookups - afterReturn).toBeLessThan(5);
    expect(lookups).toBeLessThan(20);
    await hub.close(1_000);
  });
});
