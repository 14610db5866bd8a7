import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { EventContract } from '@supergraph/common';
import type { SubgraphEntry } from '../supergraphConfig.ts';

/** The event types one subgraph publishes, as its own folder declares them. */
export interface EventProducer {
  /** The subgraph's name in supergraph.yaml. */
  subgraph: string;
  /** The module its contracts came from (`events.file`). */
  file: string;
  contracts: EventContract[];
}

/**
 * Imports every subgraph's events module (supergraph.yaml `events.file`) and
 * returns its `events` export. The producers' own code is the one source of
 * their contracts, so this runs their TypeScript: it is for the CLI and the
 * tests (tsx, vitest), never for the router serving traffic. A subgraph
 * without `events` publishes nothing. Throws when a module cannot be loaded,
 * exports no list of contracts, or two contracts declare the same type (a
 * type is a routing key: it has exactly one producer).
 */
export async function loadEventContracts(subgraphs: SubgraphEntry[]): Promise<EventProducer[]> {
  const producers = await Promise.all(
    subgraphs.flatMap(({ name, eventsFile }) => (eventsFile ? [loadProducer(name, eventsFile)] : [])),
  );
  rejectDuplicateTypes(producers);
  return producers;
}

async function loadProducer(subgraph: string, file: string): Promise<EventProducer> {
  let module: { events?: unknown };
  try {
    module = await import(pathToFileURL(path.resolve(file)).href);
  } catch (error) {
    throw new Error(`${subgraph}: cannot load its event contracts from ${file}: ${(error as Error).message}`);
  }
  const { events } = module;
  if (!Array.isArray(events)) {
    throw new TypeError(`${subgraph}: ${file} must export \`events\`, an array of contracts from defineEvent(); got ${typeof events}.`);
  }
  events.forEach((contract: unknown, index) => {
    if (!(contract instanceof EventContract)) {
      throw new TypeError(`${subgraph}: events[${index}] in ${file} is not a contract from defineEvent(); got ${JSON.stringify(contract)}.`);
    }
  });
  return { subgraph, file, contracts: events as EventContract[] };
}

function rejectDuplicateTypes(producers: EventProducer[]): void {
  const declaredBy = new Map<string, string>();
  for (const { subgraph, file, contracts } of producers) {
    for (const { type } of contracts) {
      const first = declaredBy.get(type);
      if (first) throw new Error(`Event type ${type} is declared twice: by ${first} and by ${subgraph} (${file}). A type has one producer.`);
      declaredBy.set(type, `${subgraph} (${file})`);
    }
  }
}
