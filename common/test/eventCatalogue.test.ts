import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEvent, EVENT_TYPES, eventCatalogue, eventEnvelopeSchema, parseEvent } from '../src/index.ts';

const docs = readFileSync(new URL('../../docs/events.md', import.meta.url), 'utf8');

describe('event catalogue', () => {
  it.each(EVENT_TYPES)('documents %s with its producer', (type) => {
    const row = docs.split('\n').find((line) => line.startsWith(`| \`${type}\` |`));
    expect(row).toContain(`| ${eventCatalogue[type].producer} |`);
  });

  it('builds envelopes that satisfy the schema', () => {
    const event = createEvent(
      { type: 'note.created', aggregateId: 'n1', aggregateVersion: 1, data: { noteId: 'n1' } },
      { actorId: 'u1', correlationId: 'req-1' },
    );
    expect(eventEnvelopeSchema.parse(event)).toEqual(event);
    expect(event.aggregateType).toBe('Note');
  });

  it.each([
    ['not JSON', '{oops', /not JSON/],
    ['an unknown type', JSON.stringify({ ...createEvent({ type: 'note.created', aggregateId: 'n', aggregateVersion: 1, data: {} }, { actorId: null, correlationId: null }), type: 'note.exploded' }), /type/],
    ['a future schema version', JSON.stringify({ ...createEvent({ type: 'note.created', aggregateId: 'n', aggregateVersion: 1, data: {} }, { actorId: null, correlationId: null }), schemaVersion: 2 }), /schemaVersion/],
  ])('rejects %s, saying why', (_label, raw, reason) => {
    expect(() => parseEvent(raw)).toThrow(reason);
  });
});
