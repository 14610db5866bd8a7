import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  stop: () => Promise<void>;
}

/**
 * A PostgreSQL of its own for one subgraph: PGlite (Postgres compiled to
 * Wasm, data kept in `dataDir`) served over the wire protocol on a free local
 * port, so Prisma, pg and `prisma migrate deploy` use it like any server.
 * The socket server runs one statement at a time and keeps a transaction's
 * statements together, so pooled connections are safe.
 */
export async function startEmbeddedPostgres(dataDir: string, maxConnections: number): Promise<EmbeddedPostgres> {
  await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
  await server.start();
  return {
    url: `postgresql://postgres@${server.getServerConn()}/postgres`,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}
