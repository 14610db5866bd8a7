import { sleep } from './pacing.ts';
import type { SubscriptionPipeline } from './subscriptionPipeline.ts';
import { openWsSubscribers } from './wsSubscribers.ts';

export interface IdleMemory {
  sockets: number;
  beforeKb: number;
  afterKb: number;
  perSubscriptionKb: number;
}

/**
 * The router's RSS before and after `count` idle anonymous graphql-ws
 * subscriptions of `query`, `perSocket` to a socket, with no events
 * flowing. Each sample is taken after a pause for the router to settle.
 */
export async function idleMemory(pipeline: SubscriptionPipeline, query: string, count: number, perSocket: number): Promise<IdleMemory> {
  const sockets = Math.ceil(count / perSocket);
  await sleep(2000);
  const beforeKb = pipeline.routerRssKb();
  const subscribers = openWsSubscribers(
    pipeline.url,
    query,
    Array.from({ length: sockets }, (_, i) => ({ token: null, subscriptions: Math.min(perSocket, count - i * perSocket) })),
  );
  await pipeline.untilSubscriptions(`idle: waiting for ${count}`, (held) => held >= count, 120_000);
  await sleep(2000);
  const afterKb = pipeline.routerRssKb();
  await subscribers.dispose();
  await pipeline.untilSubscriptions('idle: waiting for none', (held) => held === 0, 30_000);
  return { sockets, beforeKb, afterKb, perSubscriptionKb: (afterKb - beforeKb) / count };
}
