import { readFile } from 'node:fs/promises';
import { composeSupergraph } from '../composeSupergraph.ts';
import type { SubgraphEntry } from '../supergraphConfig.ts';
import { loadEventContracts } from './loadEventContracts.ts';
import { renderEventsDoc } from './renderEventsDoc.ts';

/** The command that rewrites the events page; named in every "out of date" message. */
export const EVENTS_DOC_COMMAND = 'npm run docs:events';

export interface EventsDoc {
  /** The page as it is on disk. */
  current: string;
  /** The page as the producers' contracts and the composed supergraph make it. */
  generated: string;
}

/**
 * Renders the events page (`file`) from the subgraphs' event contracts and
 * the supergraph composed from their schema files on disk: the repository's
 * own state, which is what the page documents. Throws `CompositionError`
 * when the schema files do not compose.
 */
export async function generateEventsDoc(subgraphs: SubgraphEntry[], file: string): Promise<EventsDoc> {
  const [current, producers, composition] = await Promise.all([readFile(file, 'utf8'), loadEventContracts(subgraphs), composeSupergraph(subgraphs)]);
  return { current, generated: renderEventsDoc(current, producers, composition.supergraphSdl) };
}
