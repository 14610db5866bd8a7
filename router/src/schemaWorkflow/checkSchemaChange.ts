import { affectedOperations } from './affectedOperations.ts';
import { apiSchemaOf } from './apiSchemaOf.ts';
import { checkReport, type CheckReport } from './checkReport.ts';
import { diffApiSchemas } from './diffApiSchemas.ts';
import type { KnownOperation } from './loadKnownOperations.ts';

/** Compares two composed supergraphs for clients: the API schema diff, and which known operations stop validating. */
export async function checkSchemaChange(baselineSdl: string, proposedSdl: string, operations: KnownOperation[]): Promise<CheckReport> {
  const changes = await diffApiSchemas(baselineSdl, proposedSdl);
  const affected = affectedOperations(operations, apiSchemaOf(baselineSdl), apiSchemaOf(proposedSdl));
  return checkReport(changes, affected, operations.length);
}
