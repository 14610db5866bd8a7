import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { readPersistedList } from './readPersistedList.ts';

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The documents clients registered at build time, by the SHA-256 of their
 * text (the hash Apollo's persisted-query protocol sends): every `.json`
 * persisted operation list at `location`, a file or, recursively, a folder.
 * A key that is not its document's hash stops the router at start, naming
 * it: a client would send that hash for some other text, and the router
 * would run the wrong operation.
 */
export async function loadPersistedDocuments(location: string): Promise<ReadonlyMap<string, string>> {
  const root = path.resolve(location);
  const info = await stat(root);
  const files = info.isFile()
    ? [root]
    : (await readdir(root, { recursive: true }))
        .filter((name) => name.endsWith('.json'))
        .sort()
        .map((name) => path.join(root, name));
  const documents = new Map<string, string>();
  for (const file of files) {
    for (const [hash, document] of Object.entries(await readPersistedList(file))) {
      const key = hash.replace(/^sha256:/, '').toLowerCase();
      if (sha256(document) !== key) throw new Error(`${file}: "${hash}" is not the SHA-256 of its document (${sha256(document)}).`);
      documents.set(key, document);
    }
  }
  return documents;
}
