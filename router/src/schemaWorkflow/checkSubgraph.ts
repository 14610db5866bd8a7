import { readFile } from 'node:fs/promises';
import { composeSupergraph } from '../composeSupergraph.ts';
import type { SubgraphEntry } from '../supergraphConfig.ts';
import type { CheckReport } from './checkReport.ts';
import { checkSchemaChange } from './checkSchemaChange.ts';
import { subgraphsWithProposal } from './composeWithProposal.ts';
import { loadEventContracts } from './loadEventContracts.ts';
import { loadKnownOperations } from './loadKnownOperations.ts';
import { publishedLayout } from './publishedLayout.ts';

export interface CheckOptions {
  subgraphs: SubgraphEntry[];
  subgraph: string;
  /** The proposed SDL. @default the subgraph's schema file on disk */
  schemaFile?: string;
  /** The published supergraph, the baseline when it exists. */
  published: string;
  /** Files and folders holding the known operations. */
  operations: string[];
}

export interface CheckResult {
  report: CheckReport;
  proposedSupergraphSdl: string;
  /** Every subgraph's SDL that composed into `proposedSupergraphSdl`, by subgraph name. */
  proposedSubgraphSdls: Record<string, string>;
  hints: string[];
  /** Where the baseline came from, for the output. */
  baseline: string;
}

/**
 * Composes the proposal on top of what is published and compares it with
 * the baseline: the published supergraph when there is one (that is what
 * clients are served), otherwise the schema files on disk. Throws
 * `CompositionError` when the proposal does not compose. Subscriptions are
 * checked against the event contracts in the working tree (`events.file` of
 * every subgraph): a payload change and the subscriptions that read it are
 * reviewed together.
 */
export async function checkSubgraph(options: CheckOptions): Promise<CheckResult> {
  const layout = publishedLayout(options.published);
  const proposal = { subgraph: options.subgraph, schemaFile: options.schemaFile, publishedSubgraphsDir: layout.subgraphsDir };
  const proposedSubgraphs = await subgraphsWithProposal(options.subgraphs, proposal);
  const proposed = await composeSupergraph(proposedSubgraphs);

  const publishedSdl = await readFile(layout.supergraph, 'utf8').catch(() => undefined);
  const baselineSdl = publishedSdl ?? (await composeSupergraph(options.subgraphs)).supergraphSdl;
  const [operations, producers] = await Promise.all([loadKnownOperations(options.operations), loadEventContracts(options.subgraphs)]);
  return {
    report: await checkSchemaChange(baselineSdl, proposed.supergraphSdl, operations, producers),
    proposedSupergraphSdl: proposed.supergraphSdl,
    proposedSubgraphSdls: Object.fromEntries(
      await Promise.all(proposedSubgraphs.map(async (subgraph) => [subgraph.name, await readFile(subgraph.schemaFile, 'utf8')] as const)),
    ),
    hints: proposed.hints,
    baseline: publishedSdl === undefined ? 'the schema files on disk' : layout.supergraph,
  };
}
