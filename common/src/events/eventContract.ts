import { z } from 'zod';
import { describeIssues, eventEnvelopeSchema, type EventContent } from './eventEnvelope.ts';

/** A payload shape as JSON Schema (draft 2020-12), for tools that must not depend on zod. */
export type PayloadJsonSchema = z.core.JSONSchema.JSONSchema;

export interface EventDefinition<Data extends z.ZodObject> {
  /** What happened, as dotted lower-case words: `<aggregate>.<past-tense verb>`, e.g. `parcel.shipped`. */
  type: string;
  /** The kind of entity the event is about (the envelope's `aggregateType`), e.g. its GraphQL type name. */
  aggregateType: string;
  /** One sentence for docs/events.md: when the event is written. */
  description: string;
  /**
   * The payload (`data`). Subscriptions read its fields by path
   * (`@fromEvents(match: ["authorId=data.authorId"])`), so removing or
   * renaming a field breaks them; `supergraph check` says which. `.describe()`
   * a field to document it.
   */
  data: Data;
  /**
   * The `data` field holding the id of the user the event is about (say,
   * a parcel's recipient). It becomes the envelope's `ownerId`, which
   * consumers that hand events to users use to give each user only events
   * about themselves. Omitted: admins only.
   */
  owner?: keyof z.infer<Data> & string;
}

/** An event built from its contract, ready for `appendToOutbox`. */
export interface NewEvent {
  contract: EventContract;
  aggregateId: string;
  aggregateVersion: number;
  data: Record<string, unknown>;
}

/** A producer wrote an event its own contract does not allow; thrown inside its transaction, so nothing commits. */
export class EventContractError extends Error {
  override readonly name = 'EventContractError';
}

/**
 * One event type as its producer declares it: the producer builds events
 * with it, the outbox checks them against it, and the supergraph tooling
 * documents it and checks the subscriptions that read it.
 */
export class EventContract<Data extends z.ZodObject = z.ZodObject> {
  readonly type: string;
  readonly aggregateType: string;
  readonly description: string;
  readonly data: Data;
  readonly owner: string | undefined;

  constructor(definition: EventDefinition<Data>) {
    this.type = valid(eventEnvelopeSchema.shape.type, definition.type, 'type', definition);
    this.aggregateType = valid(eventEnvelopeSchema.shape.aggregateType, definition.aggregateType, 'aggregateType', definition);
    this.description = valid(z.string().trim().min(1), definition.description, 'description', definition);
    if (!(definition.data instanceof z.ZodObject)) {
      const got: unknown = definition.data;
      const shown = got instanceof z.ZodType ? `a zod ${got.def.type} schema` : JSON.stringify(got);
      throw new TypeError(`defineEvent(${JSON.stringify(definition.type)}): data must be a zod object schema, got ${shown}.`);
    }
    this.data = definition.data;
    if (definition.owner !== undefined && !(definition.owner in definition.data.shape)) {
      throw new TypeError(`defineEvent(${JSON.stringify(definition.type)}): owner must name a field of data, got ${JSON.stringify(definition.owner)}.`);
    }
    this.owner = definition.owner;
  }

  /** Packs an event of this type. Its `data` is checked when the outbox writes it, not here, so no path skips the check. */
  build(event: { aggregateId: string; aggregateVersion: number; data: z.input<Data> }): NewEvent {
    return { contract: this, aggregateId: event.aggregateId, aggregateVersion: event.aggregateVersion, data: event.data };
  }

  /**
   * The envelope content of an event, its `data` as the contract parses it:
   * fields the contract does not declare are dropped, so what leaves the
   * producer is exactly what docs/events.md says. Throws
   * `EventContractError` naming the type and every violation.
   */
  contentOf(event: NewEvent): EventContent {
    const data = this.data.safeParse(event.data);
    if (!data.success) {
      throw new EventContractError(`${this.type} ${event.aggregateId} breaks its contract: ${describeIssues(data.error)}`);
    }
    const owner = this.owner === undefined ? null : (data.data as Record<string, unknown>)[this.owner];
    return {
      type: this.type,
      aggregateType: this.aggregateType,
      aggregateId: event.aggregateId,
      aggregateVersion: event.aggregateVersion,
      data: data.data,
      ownerId: typeof owner === 'string' ? owner : null,
    };
  }

  /** The payload's shape as JSON Schema. */
  payloadJsonSchema(): PayloadJsonSchema {
    return z.toJSONSchema(this.data);
  }
}

/**
 * Declares an event type in its producer's folder, next to the code that
 * writes it. Throws a `TypeError` at import when the declaration itself is
 * malformed, so a bad contract never reaches a transaction.
 */
export function defineEvent<Data extends z.ZodObject>(definition: EventDefinition<Data>): EventContract<Data> {
  return new EventContract(definition);
}

function valid(schema: z.ZodType<string>, value: unknown, key: string, definition: { type: unknown }): string {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new TypeError(`defineEvent(${JSON.stringify(definition.type)}): ${key} ${describeIssues(result.error).replace(/^\(root\): /, '')}, got ${JSON.stringify(value)}.`);
}
