import { describe, expect, it } from 'vitest';
import { createEvent, MemoryEventHistory, type EventEnvelope } from '../src/index.ts';

const event = (type = 'note.created'): EventEnvelope =>
  createEvent({ type, aggregateType: 'Thing', aggregateId: 'a1', aggregateVersion: 1, data: {} }, { actorId: null, correlationId: null });

/** A history on a clock the test moves. */
function historyAt(start: number, options: { retentionMs?: number; maxLength?: number; dedupeTtlMs?: number } = {}) {
  const clock = { now: start };
  return { clock, history: new MemoryEventHistory({ ...options, now: () => clock.now }) };
}

describe('MemoryEventHistory', () => {
  it('gives positions as Redis gives stream ids: the millisecond, then a sequence within it, across types', () => {
    const { clock, history } = historyAt(1_000);
    const positions = [history.appendOnce(event('note.created')), history.appendOnce(event('order.placed'))];
    clock.now = 1_005;
    positions.push(history.appendOnce(event('note.created')));
    // A clock that goes back never makes positions go back.
    clock.now = 900;
    positions.push(history.appendOnce(event('user.registered')));

    expect(positions.map((positioned) => positioned?.position)).toEqual(['1000-0', '1000-1', '1005-0', '1005-1']);
    expect(history.last).toBe('1005-1');
  });

  it('appends an event id once while it is remembered, and maps it to its position', () => {
    const { clock, history } = historyAt(1_000, { dedupeTtlMs: 100, retentionMs: 100 });
    const first = event();
    expect(history.appendOnce(first)?.position).toBe('1000-0');
    expect(history.appendOnce(first)).toBeUndefined();
    expect(history.positionOf(first.id)).toBe('1000-0');
    clock.now = 1_100;
    expect(history.positionOf(first.id)).toBeUndefined();
  });

  it('keeps at most maxLength events of a type, and marks reads from before the cut as expired', () => {
    const { history } = historyAt(1_000, { maxLength: 2 });
    const [a, b, c] = [event(), event(), event()].map((appended) => history.appendOnce(appended)!);

    expect(history.readAfter('note.created', '0-0')).toEqual({ events: [b, c], expired: true });
    expect(history.readAfter('note.created', a!.position)).toEqual({ events: [b, c], expired: true });
    expect(history.readAfter('note.created', b!.position)).toEqual({ events: [c], expired: false });
    expect(history.readAfter('order.placed', '0-0')).toEqual({ events: [], expired: false });
  });

  it('drops events older than the retention when the next of their type is appended', () => {
    const { clock, history } = historyAt(1_000, { retentionMs: 50 });
    const old = history.appendOnce(event())!;
    clock.now = 1_051;
    const recent = history.appendOnce(event())!;

    expect(history.readAfter('note.created', old.position)).toEqual({ events: [recent], expired: true });
    expect(history.readAfter('note.created', '1001-0')).toEqual({ events: [recent], expired: false });
  });

  it('undoes the append of an event it is told to forget, so it can be appended again', () => {
    const { history } = historyAt(1_000);
    const failed = event();
    history.appendOnce(failed);
    history.forget(failed);

    expect(history.readAfter('note.created', '0-0').events).toEqual([]);
    expect(history.appendOnce(failed)?.event).toEqual(failed);
  });

  it('refuses limits that are not positive integers, naming them', () => {
    expect(() => new MemoryEventHistory({ retentionMs: 0 })).toThrow(new TypeError('MemoryEventHistory: retentionMs must be a positive integer, got 0'));
    expect(() => new MemoryEventHistory({ maxLength: 1.5 })).toThrow(new TypeError('MemoryEventHistory: maxLength must be a positive integer, got 1.5'));
  });
});
