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
});
