import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { publishedLayout } from './publishedLayout.ts';
import { writeFileAtomically } from './writeFileAtomically.ts';

export interface Publication {
  /** The published supergraph file, e.g. `published/supergraph.graphql`. */
  out: string;
  supergraphSdl: string;
  /** Every subgraph's SDL that composed into `supergraphSdl`, by subgraph name. */
  subgraphSdls: Record<string, string>;
}

/**
 * Publishes a checked composition. The order matters: the previous
 * supergraph is saved first, then the subgraphs' SDL, and the supergraph
 * itself last, because the router reloads as soon as that file changes.
 * Each file is replaced atomically, so an interrupted publish leaves the
 * router on the old, complete supergraph. Every subgraph's SDL is written,
 * not only the changed one's, so `subgraphs/` always holds exactly what
 * composed into the published supergraph: the next check starts from it
 * rather than from another team's unpublished file on disk.
 */
export async function publishSupergraph(publication: Publication): Promise<void> {
  const layout = publishedLayout(publication.out);
  const current = await readFile(layout.supergraph, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (current !== undefined) await writeFileAtomically(layout.previous, current);
  for (const [name, sdl] of Object.entries(publication.subgraphSdls)) {
    await writeFileAtomically(path.join(layout.subgraphsDir, `${name}.graphql`), sdl);
  }
  await writeFileAtomically(layout.supergraph, publication.supergraphSdl);
}
