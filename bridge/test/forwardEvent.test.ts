import { describe, expect, it } from 'vitest';
import { MemoryEventHistory, type EventEnvelope } from '@supergraph/common';
import { backoffDelay, createMemoryEventSink, forwardEvent, SinkUnavailableError, type EventSink } from '../src/index.ts';
import { sampleEvent } from './bridgeTestKit.ts';

const noWait = { backoff: () => 0 };

function memorySink() {
  const published: EventEnvelope[] = [];
  return { published, sink: createMemoryEventSink({ history: new MemoryEventHistory(), publish: ({ event }) => published.push(event) }) };
}

/** A sink that throws the given errors on its first calls, then delegates. */
function failingFirst(errors: Error[], sink: EventSink): EventSink & { calls: number } {
  const flaky = {
    calls: 0,
    async publishOnce(event: EventEnvelope) {
      const error = errors[flaky.calls++];
      if (error) throw error;
      return sink.publishOnce(event);
    },
  };
  return flaky;
}

describe('forwardEvent', () => {
  it('delivers a valid envelope to the sink as parsed', async () => {
    const { published, sink } = memorySink();
    const event = sampleEvent();
    const outcome = await forwardEvent(JSON.stringify(event), sink);
    expect(outcome).toEqual({ status: 'delivered', event });
    expect(published).toEqual([event]);
  });

  it('reports the second delivery of an event id as a duplicate and publishes nothing', async () => {
    const { published, sink } = memorySink();
    const body = Buffer.from(JSON.stringify(sampleEvent()));
    await forwardEvent(body, sink);
    expect((await forwardEvent(body, sink)).status).toBe('duplicate');
    expect(published).toHaveLength(1);
  });

  it.each([
    ['a body that is not JSON', '{not json', 'body is not JSON'],
    ['a malformed event type', JSON.stringify({ ...sampleEvent(), type: 'Note Exploded' }), 'type'],
    ['an unknown schemaVersion', JSON.stringify({ ...sampleEvent(), schemaVersion: 2 }), 'schemaVersion'],
  ])('reports %s as malformed with the reason, without touching the sink', async (_case, body, reason) => {
    const { published, sink } = memorySink();
    const outcome = await forwardEvent(body, sink);
    expect(outcome.status).toBe('malformed');
    expect(outcome.status === 'malformed' && outcome.reason).toContain(reason);
    expect(published).toEqual([]);
  });

  it('retries an unreachable sink past maxAttempts and delivers once it is back', async () => {
    const { published, sink } = memorySink();
    const flaky = failingFirst(Array.from({ length: 7 }, () => new SinkUnavailableError('down')), sink);
    const retries: number[] = [];
    const outcome = await forwardEvent(JSON.stringify(sampleEvent()), flaky, {
      ...noWait,
      maxAttempts: 2,
      onRetry: (_error, attempt) => retries.push(attempt),
    });
    expect(outcome.status).toBe('delivered');
    expect(retries).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(published).toHaveLength(1);
  });

  it('gives up on an event the sink keeps refusing after maxAttempts, with the last error as reason', async () => {
    const { published, sink } = memorySink();
    const flaky = failingFirst([new Error('script failed'), new Error('script failed again'), new Error('never reached')], sink);
    const outcome = await forwardEvent(JSON.stringify(sampleEvent()), flaky, { ...noWait, maxAttempts: 2 });
    expect(outcome).toMatchObject({ status: 'undeliverable', reason: 'script failed again (refused 2 times)' });
    expect(flaky.calls).toBe(2);
    expect(published).toEqual([]);
  });

  it('stops retrying when aborted, leaving the event unpublished', async () => {
    const { published, sink } = memorySink();
    const controller = new AbortController();
    const flaky = failingFirst(Array.from({ length: 100 }, () => new SinkUnavailableError('down')), sink);
    const forwarding = forwardEvent(JSON.stringify(sampleEvent()), flaky, {
      backoff: () => 60_000,
      signal: controller.signal,
      onRetry: () => controller.abort(),
    });
    await expect(forwarding).rejects.toThrow(/abort/i);
    expect(flaky.calls).toBe(1);
    expect(published).toEqual([]);
  });

  it('rejects a maxAttempts that is not a positive integer', async () => {
    const { sink } = memorySink();
    await expect(forwardEvent('{}', sink, { maxAttempts: 0 })).rejects.toThrow(
      new TypeError('forwardEvent: maxAttempts must be a positive integer, got 0'),
    );
  });
});

describe('createMemoryEventSink', () => {
  it('forgets an event id after its time to live, so the event may be published again', async () => {
    let now = 0;
    const published: EventEnvelope[] = [];
    const history = new MemoryEventHistory({ dedupeTtlMs: 1_000, now: () => now });
    const sink = createMemoryEventSink({ history, publish: ({ event }) => published.push(event) });
    const event = sampleEvent();
    expect(await sink.publishOnce(event)).toBe(true);
    now = 999;
    expect(await sink.publishOnce(event)).toBe(false);
    now = 1_000;
    expect(await sink.publishOnce(event)).toBe(true);
    expect(published).toHaveLength(2);
  });

  it('forgets the id of an event whose publish threw, so a retry publishes it', async () => {
    let fail = true;
    const history = new MemoryEventHistory();
    const sink = createMemoryEventSink({
      history,
      publish: () => {
        if (fail) throw new Error('subscriber blew up');
      },
    });
    const event = sampleEvent();
    await expect(sink.publishOnce(event)).rejects.toThrow('subscriber blew up');
    expect(history.readAfter(event.type, '0-0').events).toEqual([]);
    fail = false;
    expect(await sink.publishOnce(event)).toBe(true);
    expect(history.readAfter(event.type, '0-0').events.map((entry) => entry.event)).toEqual([event]);
  });
});

describe('backoffDelay', () => {
  it('doubles from 100 ms up to 5 s, keeping between half and all of each step', () => {
    const low = (attempt: number) => backoffDelay(attempt, () => 0);
    const high = (attempt: number) => backoffDelay(attempt, () => 1);
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(high)).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000]);
    expect([1, 7].map(low)).toEqual([50, 2500]);
  });
});
