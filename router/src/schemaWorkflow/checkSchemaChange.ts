import { affectedOperations } from './affectedOperations.ts';
import { apiSchemaOf } from './apiSchemaOf.ts';
import { checkEventFeeds } from './checkEventFeeds.ts';
import { checkReport, type CheckReport } from './checkReport.ts';
import { diffApiSchemas } from './diffApiSchemas.ts';
import type { EventProducer } from './loadEventContracts.ts';
import type { KnownOperation } from './loadKnownOperations.ts';

/**
 * Compares two composed supergraphs for clients: the API schema diff, and
 * which known operations stop validating. Given the event producers, also
 * checks every `@fromEvents` subscription of the proposal against their
 * contracts (see `checkEventFeeds`); without them, subscriptions are not checked.
 */
export async function checkSchemaChange(
  baselineSdl: string,
  proposedSdl: string,
  operations: KnownOperation[],
  producers?: EventProducer[],
): Promise<CheckReport> {
  const changes = await diffApiSchemas(baselineSdl, proposedSdl);
  const affected = affectedOperations(operations, apiSchemaOf(baselineSdl), apiSchemaOf(proposedSdl));
  return checkReport(changes, affected, operations.length, producers ? checkEventFeeds(proposedSdl, producers) : []);
}
