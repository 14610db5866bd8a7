import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { servePGlite } from './servePGlite.ts';

export interface EmbeddedPostgres {
  url: string;
  stop: () => Promise<void>;
}

/**
 * A PostgreSQL of its own for one subgraph: PGlite (Postgres compiled to
 * Wasm, data kept in `dataDir`) served over the wire protocol on a free local
 * port, so Prisma, pg and `prisma migrate deploy` use it like any server.
 *
 * PGlite is a single session. `servePGlite` lets any number of connections
 * share it by giving it to one connection at a time for a whole exchange or
 * transaction, so pooled connections and the outbox relay are safe; session
 * state (SET, named prepared statements, LISTEN) is shared between them, and
 * none of our clients uses it (see servePGlite.ts).
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  const server = await servePGlite(db);
  return {
    url: `postgresql://postgres@${server.host}:${server.port}/postgres`,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}
