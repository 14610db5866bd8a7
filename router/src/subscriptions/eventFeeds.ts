import { getNamedType, getNullableType, isListType, isNonNullType, isObjectType, type GraphQLField } from 'graphql';
import { eventEnvelopeSchema, type EventEnvelope } from '@supergraph/common';
import type { LinkedDirectives } from '../supergraph/linkedDirectives.ts';

/** The identity of our events spec, as subgraphs link it: `https://specs.supergraph.dev/events/v0.1`. */
export const EVENTS_SPEC = 'https://specs.supergraph.dev/events';

/** The definition subgraphs copy into their SDL (see docs/events.md). */
export const FROM_EVENTS_DIRECTIVE = 'directive @fromEvents(types: [String!]!, match: [String!], lookup: String, payload: [String!]) on FIELD_DEFINITION';

/** A dotted path into the event envelope, e.g. `aggregateId` or `data.authorId`. */
export type EnvelopePath = readonly string[];

/** How one Subscription field is fed, as its `@fromEvents` declares. */
export interface EventFeed {
  /** The Subscription field's name. */
  field: string;
  /** Event types that feed it. */
  types: readonly string[];
  /** An event reaches a subscriber when each argument they gave equals the envelope's value at its path. */
  match: readonly { argument: string; path: EnvelopePath }[];
  /** Query root field taking `id: ID!` that resolves the event's entity (its `aggregateId`) with the subscriber's identity. */
  lookup?: string;
  /** For events whose entity is gone: the payload's fields, read from the envelope. */
  payload?: readonly { field: string; path: EnvelopePath }[];
}

/** What a declaration may read; the trace context changes at every hop, so no subscription may select by it. */
const ENVELOPE_FIELDS = new Set(Object.keys(eventEnvelopeSchema.shape).filter((field) => field !== 'traceparent' && field !== 'tracestate'));

/** `name=path` as written in the directive; undefined when it is not that shape. */
function pair(entry: string): { name: string; path: string[] } | undefined {
  const [name, path, ...rest] = entry.split('=').map((part) => part.trim());
  if (!name || !path || rest.length) return undefined;
  return { name, path: path.split('.') };
}

/**
 * The supergraph's `@fromEvents` declarations, one per Subscription field,
 * checked once per supergraph (re)load. The router serves a subscription
 * only from these: it holds no list of fields or events of its own. The
 * directive is found by its spec's identity, so a subgraph may import it
 * under another name.
 */
export class EventFeeds {
  /** What makes a declaration unservable, one line each; composition refuses a supergraph that has any. */
  readonly problems: string[] = [];
  private readonly byField = new Map<string, EventFeed>();

  constructor(private readonly linked: LinkedDirectives) {
    const subscription = linked.schema.getSubscriptionType();
    if (!subscription) return;
    const declares = linked.defines(EVENTS_SPEC, 'fromEvents');
    if (!declares) {
      this.problems.push(
        `${subscription.name} has fields but the supergraph has no @fromEvents: each subgraph that declares Subscription fields must @link ${EVENTS_SPEC}/v0.1 and @composeDirective(name: "@fromEvents") (see docs/events.md).`,
      );
      return;
    }
    for (const field of Object.values(subscription.getFields())) {
      const [declaration, ...more] = linked.applied(field, EVENTS_SPEC, 'fromEvents');
      const coordinate = `${subscription.name}.${field.name}`;
      if (!declaration) this.problems.push(`${coordinate} has no @fromEvents: the router feeds subscriptions from events only, so say which (see docs/events.md).`);
      else if (more.length) this.problems.push(`${coordinate} has @fromEvents more than once.`);
      else this.compile(coordinate, field, declaration);
    }
  }

  /** How a Subscription field is fed; undefined when it is not (the supergraph would not have composed). */
  of(field: string): EventFeed | undefined {
    return this.byField.get(field);
  }

  private compile(coordinate: string, field: GraphQLField<unknown, unknown>, declaration: Record<string, unknown>): void {
    const problems: string[] = [];
    const types = declaration.types as string[];
    if (types.length === 0) problems.push('`types` names no event type');
    const typeShape = eventEnvelopeSchema.shape.type;
    for (const type of types) if (!typeShape.safeParse(type).success) problems.push(`\`types\` entry "${type}" is not an event type (dotted lower-case words, e.g. "parcel.shipped")`);
    if (isListType(getNullableType(field.type))) problems.push('the field returns a list; each event is one result, so return one item');
    const checkPath = (entry: string, path: string[]) => {
      if (path.length === 1 && path[0] === 'data') problems.push(`"${entry}" reads \`data\` itself; name a field under it (\`data.<field>\`)`);
      else if (!ENVELOPE_FIELDS.has(path[0]!)) problems.push(`"${entry}" reads \`${path[0]}\`, which the envelope does not have (it has ${[...ENVELOPE_FIELDS].join(', ')})`);
      else if (path.length > 1 && path[0] !== 'data') problems.push(`"${entry}" reads into \`${path[0]}\`, which holds no fields (only \`data\` does)`);
    };

    const match: { argument: string; path: EnvelopePath }[] = [];
    for (const entry of (declaration.match as string[] | undefined) ?? []) {
      const parsed = pair(entry);
      if (!parsed) problems.push(`match "${entry}" is not \`argument=path\``);
      else if (!field.args.some((argument) => argument.name === parsed.name)) problems.push(`match "${entry}" names no argument of the field`);
      else {
        checkPath(entry, parsed.path);
        match.push({ argument: parsed.name, path: parsed.path });
      }
    }
    const unmatched = field.args.filter((argument) => !match.some((entry) => entry.argument === argument.name));
    if (unmatched.length) problems.push(`argument ${unmatched.map((argument) => `\`${argument.name}\``).join(', ')} has no \`match\` entry, so it would filter nothing`);

    const lookup = declaration.lookup as string | undefined;
    const payloadEntries = declaration.payload as string[] | undefined;
    if ((lookup === undefined) === (payloadEntries === undefined)) problems.push('declare either `lookup` (the entity is read) or `payload` (built from the event)');
    if (lookup !== undefined) {
      const lookupField = this.linked.schema.getQueryType()?.getFields()[lookup];
      if (!lookupField) problems.push(`lookup \`${lookup}\` is not a Query field`);
      else if (!lookupField.args.some((argument) => argument.name === 'id' && getNamedType(argument.type).name === 'ID')) problems.push(`lookup \`Query.${lookup}\` takes no \`id: ID\` argument`);
      else if (lookupField.args.some((argument) => argument.name !== 'id' && isNonNullType(argument.type) && argument.defaultValue === undefined))
        problems.push(`lookup \`Query.${lookup}\` requires arguments besides \`id\`, which the router cannot give`);
      else if (isListType(getNullableType(lookupField.type))) problems.push(`lookup \`Query.${lookup}\` returns a list, not one entity`);
      else if (getNamedType(lookupField.type) !== getNamedType(field.type)) problems.push(`lookup \`Query.${lookup}\` returns ${String(getNamedType(lookupField.type))}, not ${String(getNamedType(field.type))}`);
    }
    let payload: { field: string; path: EnvelopePath }[] | undefined;
    if (payloadEntries !== undefined) {
      payload = [];
      const returned = getNullableType(field.type);
      const fields = isObjectType(returned) ? returned.getFields() : {};
      const given = new Set(payloadEntries.map((entry) => pair(entry)?.name));
      const missing = Object.values(fields).filter((returned) => isNonNullType(returned.type) && returned.args.length === 0 && !given.has(returned.name));
      if (missing.length) problems.push(`payload gives no value for the non-null field ${missing.map((returned) => `\`${returned.name}\``).join(', ')}`);
      for (const entry of payloadEntries) {
        const parsed = pair(entry);
        if (!parsed) problems.push(`payload "${entry}" is not \`field=path\``);
        else if (!fields[parsed.name]) problems.push(`payload "${entry}" names no field of ${String(returned)}`);
        else {
          checkPath(entry, parsed.path);
          payload.push({ field: parsed.name, path: parsed.path });
        }
      }
    }
    if (problems.length) this.problems.push(...problems.map((problem) => `${coordinate} @fromEvents: ${problem}.`));
    else this.byField.set(field.name, { field: field.name, types, match, ...(lookup !== undefined ? { lookup } : {}), ...(payload ? { payload } : {}) });
  }
}

const feedsOf = new WeakMap<LinkedDirectives, EventFeeds>();

/** The feeds of a loaded supergraph, compiled once per (re)load. */
export function eventFeedsOf(linked: LinkedDirectives): EventFeeds {
  let feeds = feedsOf.get(linked);
  if (!feeds) feedsOf.set(linked, (feeds = new EventFeeds(linked)));
  return feeds;
}

/** The envelope's value at a path; undefined when the event does not have it. */
export function valueAt(event: EventEnvelope, path: EnvelopePath): unknown {
  let value: unknown = event;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Whether an event concerns a subscriber with these arguments: an argument left out (null) filters nothing. */
export function feedMatches(feed: EventFeed, event: EventEnvelope, args: Record<string, unknown>): boolean {
  return feed.match.every(({ argument, path }) => {
    if (args[argument] == null) return true;
    const value = valueAt(event, path);
    return value != null && String(value) === String(args[argument]);
  });
}

/** The payload of an event whose entity is gone, from the envelope alone. */
export function feedPayload(feed: EventFeed, event: EventEnvelope): Record<string, unknown> {
  return Object.fromEntries((feed.payload ?? []).map(({ field, path }) => [field, valueAt(event, path)]));
}
