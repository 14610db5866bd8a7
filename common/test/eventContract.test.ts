import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEvent, EventContractError } from '../src/index.ts';

const thingShipped = defineEvent({
  type: 'thing.shipped',
  aggregateType: 'Thing',
  description: 'A thing left the warehouse.',
  data: z.object({ thingId: z.string(), ownerId: z.string(), parcel: z.object({ carrier: z.string() }) }),
});

const shipped = (data: Record<string, unknown>) =>
  thingShipped.build({ aggregateId: 't1', aggregateVersion: 2, data: data as z.input<typeof thingShipped.data> });


describe('defineEvent', () => {
  it('gives the envelope its type and aggregate type, and the payload as the contract parses it', () => {
    const event = shipped({ thingId: 't1', ownerId: 'u1', parcel: { carrier: 'post' } });
    expect(thingShipped.contentOf(event)).toEqual({
      type: 'thing.shipped',
      aggregateType: 'Thing',
      aggregateId: 't1',
      aggregateVersion: 2,
      data: { thingId: 't1', ownerId: 'u1', parcel: { carrier: 'post' } },
      ownerId: null,
    });
  });

  it("names the user the event is about as the envelope's ownerId when the contract declares its owner field", () => {
    const owned = defineEvent({ type: 'thing.owned', aggregateType: 'Thing', owner: 'ownerId', description: 'Someone owns a thing.', data: z.object({ ownerId: z.string() }) });
    expect(owned.contentOf(owned.build({ aggregateId: 't1', aggregateVersion: 1, data: { ownerId: 'u7' } })).ownerId).toBe('u7');
  });

  it('refuses an owner that names no field of the payload', () => {
    expect(() =>
      defineEvent({ type: 'thing.owned', aggregateType: 'Thing', owner: 'nobody' as never, description: 'Someone owns a thing.', data: z.object({ ownerId: z.string() }) }),
    ).toThrow('defineEvent("thing.owned"): owner must name a field of data, got "nobody".');
  });

  it('drops payload fields the contract does not declare, so nothing undocumented leaves the producer', () => {
    const event = shipped({ thingId: 't1', ownerId: 'u1', parcel: { carrier: 'post' }, secret: 'hash' });
    expect(thingShipped.contentOf(event).data).not.toHaveProperty('secret');
  });

  it('throws EventContractError naming the type, the aggregate and every field that breaks the contract', () => {
    const event = shipped({ thingId: 't1', parcel: {} });
    expect(() => thingShipped.contentOf(event)).toThrow(EventContractError);
    expect(() => thingShipped.contentOf(event)).toThrow(
      'thing.shipped t1 breaks its contract: ownerId: Invalid input: expected string, received undefined; parcel.carrier: Invalid input: expected string, received undefined',
    );
  });

  it('describes the payload as JSON Schema, for tools that do not use zod', () => {
    expect(thingShipped.payloadJsonSchema()).toMatchObject({
      type: 'object',
      required: ['thingId', 'ownerId', 'parcel'],
      properties: { parcel: { type: 'object', properties: { carrier: { type: 'string' } } } },
    });
  });

  it.each([
    ['a one-word type', { type: 'shipped' }, 'defineEvent("shipped"): type must be dotted lower-case words, e.g. "parcel.shipped", got "shipped".'],
    ['an empty aggregate type', { aggregateType: '' }, 'defineEvent("thing.shipped"): aggregateType Too small: expected string to have >=1 characters, got "".'],
    ['a blank description', { description: ' ' }, 'defineEvent("thing.shipped"): description Too small: expected string to have >=1 characters, got " ".'],
    ['a payload that is not an object schema', { data: z.string() }, 'defineEvent("thing.shipped"): data must be a zod object schema, got a zod string schema.'],
  ])('refuses %s with a TypeError that shows the bad value', (_case, change, message) => {
    const definition = { type: 'thing.shipped', aggregateType: 'Thing', description: 'd', data: z.object({}), ...change };
    expect(() => defineEvent(definition as Parameters<typeof defineEvent>[0])).toThrow(new TypeError(message));
  });
});
