import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryDelay } from '../src/delivery/retrySchedule.ts';

const schedule = { baseMs: 1_000, maxMs: 60_000 };

describe('retryDelay', () => {
  it('doubles per attempt, between half and all of the ceiling', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelay(attempt, schedule, null, () => 0))).toEqual([500, 1_000, 2_000, 4_000]);
    expect([1, 2, 3, 4].map((attempt) => retryDelay(attempt, schedule, null, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it('stops growing at maxMs', () => {
    expect(retryDelay(30, schedule, null, () => 1)).toBe(60_000);
  });

  it("waits at least as long as the receiver's Retry-After, but never past maxMs", () => {
    expect(retryDelay(1, schedule, 10_000, () => 0)).toBe(10_000);
    expect(retryDelay(1, schedule, 3_600_000, () => 0)).toBe(60_000);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates, and nothing else', () => {
    const now = Date.parse('2026-12-05T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Sat, 05 Dec 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sat, 05 Dec 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});
