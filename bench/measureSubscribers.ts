import { latencyFigures, ownCpuSeconds, type LatencyFigures } from './latencyFigures.ts';
import { cpuBetween, machineBusySeconds, processCpu } from './processes.ts';
import { subgraphCountersSoFar } from './subgraphCounters.ts';
import { atFixedRate, untilCounted } from './pacing.ts';
import type { SubscriptionPipeline } from './subscriptionPipeline.ts';
import type { Subscribers } from './wsSubscribers.ts';

export interface SubscriberRun {
  figures: LatencyFigures;
  /** The router's hub resolutions during the run, per event published. */
  resolutionsPerEvent: number;
  /** The rate the events were created at (the asked-for one unless the bench could not keep up). */
  eventsPerSecond: number;
  /** Router CPU milliseconds per subscriber for connecting and subscribing (what a reconnect storm costs). */
  subscribeCpuMs: number;
  /** Cores the whole machine kept busy while the events were created and delivered (every process, not just the router). */
  machineCores: number;
  /** CPU milliseconds per event each process used meanwhile (`processCpu` names), creating the notes included. */
  cpuPerEventMs: Map<string, number>;
  /** SQL statements the subgraphs' Prisma clients sent per event meanwhile (creating the note and resolving its event; the relay's own are not counted). */
  statementsPerEvent: number;
}

/**
 * Opens `count` subscribers on the pipeline, waits until the router holds
 * them all, creates `events` notes at `rate` per second, waits for every
 * result (until none has come for 30 s), then closes the
 * subscribers and waits until the router has let them go.
 */
export async function measureSubscribers(
  pipeline: SubscriptionPipeline,
  name: string,
  open: () => Subscribers,
  count: number,
  { events, rate }: { events: number; rate: number },
): Promise<SubscriberRun> {
  const subscribeCpuBefore = pipeline.routerCpuSeconds();
  const subscribers = open();
  await pipeline.untilSubscriptions(`${name}: waiting for ${count}`, (held) => held >= count);
  const subscribeCpuMs = ((pipeline.routerCpuSeconds() - subscribeCpuBefore) * 1000) / count;
  const before = (await pipeline.health()).resolutions;
  const statements = async () => (await subgraphCountersSoFar(pipeline.subgraphUrls, ['db_statements_total'])).db_statements_total!;
  const statementsBefore = await statements();
  const started = Date.now();
  const [routerCpuBefore, clientsCpuBefore, machineBefore, processesBefore] = [pipeline.routerCpuSeconds(), ownCpuSeconds(), machineBusySeconds(), processCpu(pipeline.processes)];
  const eventsPerSecond = await atFixedRate(events, rate, (i) => pipeline.createNote(i));
  // Every result in (so every resolution counted), unless deliveries stall.
  await untilCounted(() => subscribers.latencies.length, events * count);
  const cpu = { server: pipeline.routerCpuSeconds() - routerCpuBefore, clients: ownCpuSeconds() - clientsCpuBefore };
  const machineCores = (machineBusySeconds() - machineBefore) / ((Date.now() - started) / 1000);
  const cpuPerEventMs = new Map([...cpuBetween(processesBefore, processCpu(pipeline.processes))].map(([name, seconds]) => [name, (seconds * 1000) / events]));
  const statementsPerEvent = ((await statements()) - statementsBefore) / events;
  const figures = latencyFigures(name, subscribers.latencies, Date.now() - started, cpu);
  const resolutions = (await pipeline.health()).resolutions - before;
  await subscribers.dispose();
  // Released before the next run, which counts only its own.
  await pipeline.untilSubscriptions(`${name}: waiting for none`, (held) => held === 0, 30_000);
  return { figures, resolutionsPerEvent: resolutions / events, eventsPerSecond, subscribeCpuMs, machineCores, cpuPerEventMs, statementsPerEvent };
}

