import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { SUBGRAPHS } from './postgres.ts';

/*
 * A new PGlite cluster runs initdb in Wasm: seconds of CPU per database, and
 * npm start's supergraph has five. Copies of one freshly initialised cluster
 * are the same fresh clusters for a fraction of that. e2e/embedded.test.ts
 * keeps npm start's own initdb of every database, so that path stays tested.
 */

let dump: Promise<File | Blob> | undefined;

/** A fresh in-memory PGlite: a copy of a cluster initialised once per test file. */
export async function freshPGlite(): Promise<PGlite> {
  dump ??= (async () => {
    const db = await PGlite.create();
    try {
      return await db.dumpDataDir('none');
    } finally {
      await db.close();
    }
  })();
  return PGlite.create({ loadDataDir: await dump });
}

/**
 * A throwaway SUPERGRAPH_DATA_DIR in which each subgraph's folder holds a
 * fresh, empty cluster, as npm start's initdb leaves it before migrating
 * (migrations and demo data are still npm start's to apply).
 */
export async function embeddedDataDir(prefix: string): Promise<string> {
  const dataDir = await mkdtemp(path.join(tmpdir(), prefix));
  const [first, ...others] = SUBGRAPHS.map((name) => path.join(dataDir, name));
  await (await PGlite.create(first!)).close();
  await Promise.all(others.map((folder) => cp(first!, folder, { recursive: true })));
  return dataDir;
}
