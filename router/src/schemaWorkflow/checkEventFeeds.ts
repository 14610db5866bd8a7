import type { PayloadJsonSchema } from '@supergraph/common';
import type { ReportedChange } from './checkReport.ts';
import { declaredEventFeeds } from './declaredEventFeeds.ts';
import type { EventProducer } from './loadEventContracts.ts';

/** A subscription the proposed supergraph declares but its events cannot feed. */
export interface BrokenEventFeed extends ReportedChange {
  type: 'EVENT_TYPE_UNDECLARED' | 'EVENT_PAYLOAD_PATH_MISSING';
  /** The Subscription field, e.g. `Subscription.itemAdded`. */
  path: string;
  eventType: string;
  /** The envelope path no longer in the payload; null when the whole type is missing. */
  eventPath: string | null;
}

/**
 * Checks every `@fromEvents` Subscription field of a supergraph against the
 * producers' contracts: each type it names must be declared by a producer,
 * and each `data.` path its `match` and `payload` entries read must be in
 * the payload of every type that feeds it. A subscription that reads a
 * missing path would never match or would answer without its data, for
 * every subscriber, so each finding is breaking. Envelope paths outside
 * `data` (`aggregateId`, ...) are the same for every type and not checked here.
 */
export function checkEventFeeds(supergraphSdl: string, producers: EventProducer[]): BrokenEventFeed[] {
  const contracts = new Map(producers.flatMap(({ subgraph, contracts }) => contracts.map((contract) => [contract.type, { subgraph, contract }] as const)));
  const broken: BrokenEventFeed[] = [];
  for (const feed of declaredEventFeeds(supergraphSdl)) {
    for (const eventType of feed.types) {
      const declared = contracts.get(eventType);
      if (!declared) {
        broken.push({
          type: 'EVENT_TYPE_UNDECLARED',
          path: feed.coordinate,
          eventType,
          eventPath: null,
          message: `${feed.coordinate} is fed by ${eventType}, which no subgraph's event contracts declare`,
        });
        continue;
      }
      const payload = declared.contract.payloadJsonSchema();
      for (const read of feed.reads) {
        if (!read.path.startsWith('data.') || hasPath(payload, read.path.slice('data.'.length).split('.'))) continue;
        broken.push({
          type: 'EVENT_PAYLOAD_PATH_MISSING',
          path: feed.coordinate,
          eventType,
          eventPath: read.path,
          message: `${feed.coordinate} reads ${read.path} (${read.argument} "${read.entry}"), which the payload of ${eventType} (${declared.subgraph}) does not declare`,
        });
      }
    }
  }
  return broken;
}

/** Whether an object path (no array steps) exists in a JSON Schema, through nullable and union branches. */
function hasPath(schema: PayloadJsonSchema, segments: string[]): boolean {
  const [head, ...rest] = segments;
  if (head === undefined) return true;
  return branchesOf(schema).some((branch) => {
    const property = branch.properties?.[head];
    return typeof property === 'object' && hasPath(property, rest);
  });
}

function branchesOf(schema: PayloadJsonSchema): PayloadJsonSchema[] {
  const alternatives = [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])].filter(
    (branch): branch is PayloadJsonSchema => typeof branch === 'object',
  );
  return [schema, ...alternatives.flatMap(branchesOf)];
}
