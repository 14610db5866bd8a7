import { describe, expect, it } from 'vitest';
import { createEvent, eventEnvelopeSchema, parseEvent, type EventContent } from '../src/index.ts';

const content: EventContent = { type: 'thing.happened', aggregateType: 'Thing', aggregateId: 't1', aggregateVersion: 1, data: { thingId: 't1' } };
const envelope = (change: Record<string, unknown> = {}) => JSON.stringify({ ...createEvent(content, { actorId: null, correlationId: null }), ...change });

describe('the event envelope', () => {
  it('wraps content in an envelope that satisfies the schema, with the cause', () => {
    const event = createEvent(content, { actorId: 'u1', correlationId: 'req-1' });
    expect(eventEnvelopeSchema.parse(event)).toEqual(event);
    expect(event).toMatchObject({ ...content, actorId: 'u1', correlationId: 'req-1', causationId: null, schemaVersion: 1 });
  });

  it('accepts any dotted lower-case type: the producers declare them, not the envelope', () => {
    expect(parseEvent(envelope({ type: 'invoice.line_added' })).type).toBe('invoice.line_added');
  });

  it.each([
    ['not JSON', '{oops', 'body is not JSON'],
    ['a type with one word', envelope({ type: 'created' }), 'type: must be dotted lower-case words, e.g. "parcel.shipped"'],
    ['a type with capitals or spaces', envelope({ type: 'Note Created' }), 'type: must be dotted lower-case words, e.g. "parcel.shipped"'],
    ['a type with a routing wildcard', envelope({ type: 'note.*' }), 'type: must be dotted lower-case words, e.g. "parcel.shipped"'],
    ['a future schema version', envelope({ schemaVersion: 2 }), 'schemaVersion: Invalid input: expected 1'],
  ])('rejects %s, saying why', (_label, raw, reason) => {
    expect(() => parseEvent(raw)).toThrow(reason);
  });

  it('keeps a valid W3C trace context', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(parseEvent(envelope({ traceparent, tracestate: 'vendor=abc' }))).toMatchObject({ traceparent, tracestate: 'vendor=abc' });
  });

  it.each([
    ['not a traceparent at all', 'hello'],
    ['an all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['upper-case hex', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01'],
    ['a number', 42],
  ])('ignores a malformed traceparent (%s) and keeps the event', (_label, traceparent) => {
    const event = parseEvent(envelope({ traceparent }));
    expect(event.traceparent).toBeUndefined();
    expect(event.type).toBe('thing.happened');
  });

  it('writes no trace context into an event while tracing is off', () => {
    expect(createEvent(content, { actorId: null, correlationId: null })).not.toHaveProperty('traceparent');
  });
});
