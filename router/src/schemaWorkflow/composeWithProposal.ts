import { access } from 'node:fs/promises';
import path from 'node:path';
import { composeSupergraph, type Composition } from '../composeSupergraph.ts';
import type { SubgraphEntry } from '../supergraphConfig.ts';

export interface Proposal {
  /** The subgraph whose schema changes; must be one of `subgraphs`. */
  subgraph: string;
  /** The proposed SDL file. @default the subgraph's schema file on disk */
  schemaFile?: string;
  /**
   * Folder of previously published subgraph SDLs (`<name>.graphql`). The
   * other subgraphs compose with what they last published, not with their
   * unpublished work on disk, so one team's check never depends on another
   * team's draft. @default none: every subgraph uses its file on disk
   */
  publishedSubgraphsDir?: string;
}

/** The subgraph list with each schema file replaced by its published or proposed SDL. */
export async function subgraphsWithProposal(subgraphs: SubgraphEntry[], proposal: Proposal): Promise<SubgraphEntry[]> {
  if (!subgraphs.some((subgraph) => subgraph.name === proposal.subgraph)) {
    throw new TypeError(
      `Unknown subgraph "${proposal.subgraph}"; the config lists ${subgraphs.map((subgraph) => subgraph.name).join(', ')}.`,
    );
  }
  return Promise.all(
    subgraphs.map(async (subgraph) => {
      if (subgraph.name === proposal.subgraph) {
        return { ...subgraph, schemaFile: proposal.schemaFile ? path.resolve(proposal.schemaFile) : subgraph.schemaFile };
      }
      const published = proposal.publishedSubgraphsDir && path.join(proposal.publishedSubgraphsDir, `${subgraph.name}.graphql`);
      return published && (await exists(published)) ? { ...subgraph, schemaFile: published } : subgraph;
    }),
  );
}

/** Composes the supergraph as it would be with the proposal applied; throws `CompositionError` when it does not compose. */
export async function composeWithProposal(subgraphs: SubgraphEntry[], proposal: Proposal): Promise<Composition> {
  return composeSupergraph(await subgraphsWithProposal(subgraphs, proposal));
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
