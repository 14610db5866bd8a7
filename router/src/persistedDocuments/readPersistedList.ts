import { readFile } from 'node:fs/promises';

/**
 * A persisted operation list as a client build exports it: a JSON object
 * mapping each document's hash to the exact document text the client would
 * otherwise send.
 */
export async function readPersistedList(file: string): Promise<Record<string, string>> {
  const list: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (typeof list !== 'object' || list === null || Array.isArray(list)) {
    throw new TypeError(`${file} must be a persisted operation list: an object mapping hash -> query string.`);
  }
  for (const [hash, query] of Object.entries(list)) {
    if (typeof query !== 'string') throw new TypeError(`${file}: the value for "${hash}" must be a query string, got ${typeof query}.`);
  }
  return list as Record<string, string>;
}
