import { PubSub } from 'graphql-subscriptions';
import { createEvent, createLogger, type EventContent } from '@supergraph/common';
import { pubSubEventSource } from '@supergraph/router';
import { startStack, type TestStack } from './stack.ts';

export interface BusStack extends TestStack {
  /** Delivers an event to the router's subscriptions as the bridge would, with a fresh envelope. */
  publish(event: EventContent, actorId: string): Promise<void>;
}

/**
 * The seeded stack with its router fed by an in-process bus, as under npm
 * start: tests publish events themselves; the full outbox -> RabbitMQ ->
 * bridge -> Redis path is in e2e/.
 */
export async function startBusStack(options: { env?: NodeJS.ProcessEnv; routerEnv?: NodeJS.ProcessEnv } = {}): Promise<BusStack> {
  const bus = new PubSub();
  const stack = await startStack({ ...options, seed: true, runtime: { eventSource: pubSubEventSource(bus, createLogger('test', 'silent')) } });
  return { ...stack, publish: (event, actorId) => bus.publish(event.type, createEvent(event, { actorId, correlationId: null })) };
}
