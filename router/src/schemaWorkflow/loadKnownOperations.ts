import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Kind, parse, Source, type DefinitionNode, type DocumentNode, type FragmentDefinitionNode } from 'graphql';
import { readPersistedList } from '../persistedDocuments/readPersistedList.ts';

/** One client operation, ready to validate on its own. */
export interface KnownOperation {
  /** The operation's name, or `anonymous` (with the persisted hash when there is one). */
  name: string;
  /** Where it came from: a `.graphql` file, or `<list>.json#<hash>` for a persisted operation. */
  source: string;
  /** The operation with every fragment of its document, so it validates alone. */
  document: DocumentNode;
}

/**
 * Reads the operations clients are known to send: every `.graphql` document
 * and every persisted operation list (`.json`, mapping hash -> query string)
 * found at the given files or, recursively, folders. Paths that do not exist
 * are skipped, so a repository without an `operations/` folder still works.
 */
export async function loadKnownOperations(paths: string[]): Promise<KnownOperation[]> {
  const files = (await Promise.all(paths.map((entry) => filesUnder(path.resolve(entry))))).flat();
  const operations = await Promise.all(files.map(operationsIn));
  return operations.flat();
}

async function filesUnder(entry: string): Promise<string[]> {
  const info = await stat(entry).catch(() => undefined);
  if (!info) return [];
  if (info.isFile()) return [entry];
  const names = await readdir(entry, { recursive: true });
  return names
    .filter((name) => name.endsWith('.graphql') || name.endsWith('.json'))
    .sort()
    .map((name) => path.join(entry, name));
}

async function operationsIn(file: string): Promise<KnownOperation[]> {
  if (!file.endsWith('.json')) return splitOperations(parse(new Source(await readFile(file, 'utf8'), file)), file);
  return Object.entries(await readPersistedList(file)).flatMap(([hash, query]) => splitOperations(parse(new Source(query, `${file}#${hash}`)), `${file}#${hash}`, hash));
}

/** A document may hold several operations sharing fragments; each is checked on its own. */
function splitOperations(document: DocumentNode, source: string, hash?: string): KnownOperation[] {
  const fragments = document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION);
  return document.definitions.flatMap((definition: DefinitionNode) => {
    if (definition.kind !== Kind.OPERATION_DEFINITION) return [];
    const name = definition.name?.value ?? (hash ? `anonymous ${hash}` : 'anonymous');
    return [{ name, source, document: { kind: Kind.DOCUMENT, definitions: [definition, ...fragments] } }];
  });
}
