import { connect, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { DatabaseError, parse, serialize } from 'pg-protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { servePGlite, type PGliteServer } from '../scripts/servePGlite.ts';
import { freshPGlite } from '../test/kit/pglite.ts';

/**
 * The embedded database's server (npm start): one PGlite session shared by
 * many real pg connections, each of which must behave as if it had its own.
 */

let db: PGlite;
let server: PGliteServer;
let url: string;
const opened: { end: () => Promise<void> }[] = [];

/** A pg client or pool on the server, ended after the test. */
function track<T extends { end: () => Promise<void> }>(client: T): T {
  opened.push(client);
  return client;
}

const newClient = async () => {
  const client = track(new pg.Client({ connectionString: url }));
  await client.connect();
  return client;
};

beforeEach(async () => {
  db = await freshPGlite();
  server = await servePGlite(db);
  url = `postgresql://postgres@${server.host}:${server.port}/postgres`;
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  await setup.query('CREATE TABLE item (name text NOT NULL); CREATE TABLE counter (n int NOT NULL); INSERT INTO counter VALUES (0)');
  await setup.end();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((client) => client.end().catch(() => {})));
  await server.stop();
  await db.close();
});

const itemNames = async () => (await (await newClient()).query<{ name: string }>('SELECT name FROM item ORDER BY name')).rows.map((row) => row.name);

describe('servePGlite', () => {
  it('answers every connection of a pool its own results while their extended-protocol queries interleave', async () => {
    const pool = track(new pg.Pool({ connectionString: url, max: 8 }));
    // Alternating one and two parameters: a Bind meant for the other statement fails loudly.
    const answers = await Promise.all(
      Array.from({ length: 400 }, async (_, i) => {
        if (i % 2 === 0) return (await pool.query('SELECT $1::int * 2 AS value', [i])).rows[0].value;
        return (await pool.query('SELECT $1::int + $2::int AS value', [i, 1000])).rows[0].value;
      }),
    );
    expect(answers).toEqual(Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? i * 2 : i + 1000)));
  });

  it("keeps a connection's unnamed statement from Parse to Sync while another connection prepares its own", async () => {
    const [one, two] = [await rawConnection(url), await rawConnection(url)];
    one.socket.write(serialize.parse({ text: 'SELECT $1::int AS value' }));
    await one.until('parseComplete');
    // Sent while `one` is between its Parse and its Bind; one session has one unnamed statement.
    two.socket.write(serialize.parse({ text: 'SELECT $1::int + $2::int AS value' }));
    one.socket.write(Buffer.concat([serialize.bind({ values: ['7'] }), serialize.execute(), serialize.sync()]));
    expect(await one.outcome()).toEqual({ rows: [['7']], errors: [] });
    two.socket.write(Buffer.concat([serialize.bind({ values: ['2', '3'] }), serialize.execute(), serialize.sync()]));
    expect(await two.outcome()).toEqual({ rows: [['5']], errors: [] });
    one.socket.destroy();
    two.socket.destroy();
  });

  it('runs whole transactions one at a time, so a read-modify-write loses no update', async () => {
    const pool = track(new pg.Pool({ connectionString: url, max: 8 }));
    // Unlocked read, then write: on a shared session with interleaved transactions increments would be lost.
    const increment = async () => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const { rows } = await client.query<{ n: number }>('SELECT n FROM counter');
        await client.query('UPDATE counter SET n = $1', [rows[0]!.n + 1]);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    };
    await Promise.all(Array.from({ length: 100 }, increment));
    expect((await pool.query('SELECT n FROM counter')).rows[0].n).toBe(100);
  });

  it("keeps another connection's writes out of an open transaction, so its rollback takes back only its own", async () => {
    const [inTransaction, other] = [await newClient(), await newClient()];
    await inTransaction.query('BEGIN');
    await inTransaction.query("INSERT INTO item VALUES ('rolled back')");
    const otherInsert = other.query("INSERT INTO item VALUES ('committed')");
    await inTransaction.query('ROLLBACK');
    await otherInsert;
    expect(await itemNames()).toEqual(['committed']);
  });

  it('rolls back the transaction of a client that ends its connection inside it, and serves the others', async () => {
    const leaving = await newClient();
    await leaving.query('BEGIN');
    await leaving.query("INSERT INTO item VALUES ('left behind')");
    await leaving.end();
    expect(await itemNames()).toEqual([]);
  });

  it('rolls back the transaction of a client whose connection drops inside it, and serves the others', async () => {
    const dropping = await newClient();
    await dropping.query('BEGIN');
    await dropping.query("INSERT INTO item VALUES ('left behind')");
    const dropped = new Promise((resolve) => dropping.once('error', resolve));
    // As a crashed process or a cut network leaves it: no Terminate, just gone.
    (dropping as unknown as { connection: { stream: Socket } }).connection.stream.destroy();
    await dropped;
    expect(await itemNames()).toEqual([]);
  });

  it('rolls back an extended-protocol exchange a client abandons before Sync, and serves the others', async () => {
    const raw = await rawConnection(url);
    raw.socket.write(serialize.parse({ text: "INSERT INTO item VALUES ('half done')" }));
    raw.socket.write(serialize.bind());
    raw.socket.write(serialize.execute());
    await raw.until('commandComplete');
    raw.socket.destroy();
    expect(await itemNames()).toEqual([]);
  });

  it('stops while a client holds a transaction open, rolling it back', async () => {
    const holding = await newClient();
    holding.on('error', () => {});
    await holding.query('BEGIN');
    await holding.query("INSERT INTO item VALUES ('left behind')");
    await server.stop();
    expect((await db.query<{ name: string }>('SELECT name FROM item')).rows).toEqual([]);
  });
});

type BackendMessage = Parameters<Parameters<typeof parse>[1]>[0];

/** A connection speaking the protocol by hand, past startup. */
async function rawConnection(connectionString: string) {
  const { hostname, port } = new URL(connectionString);
  const socket = connect(Number(port), hostname);
  await new Promise((resolve) => socket.once('connect', resolve));
  const inbox: BackendMessage[] = [];
  let wake = () => {};
  void parse(socket, (message) => {
    inbox.push(message);
    wake();
  });
  /** Every backend message not yet taken, up to and including the next one named `name`, once it has arrived. */
  const until = async (name: string): Promise<BackendMessage[]> => {
    for (;;) {
      const at = inbox.findIndex((message) => message.name === name);
      if (at >= 0) return inbox.splice(0, at + 1);
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  /** The rows and errors of the exchange in progress, once it ends (ReadyForQuery). */
  const outcome = async () => {
    const messages = await until('readyForQuery');
    return {
      rows: messages.filter((message) => message.name === 'dataRow').map((message) => (message as unknown as { fields: string[] }).fields),
      errors: messages.filter((message) => message instanceof DatabaseError).map((error) => error.message),
    };
  };
  socket.write(serialize.startup({ user: 'postgres', database: 'postgres' }));
  await until('readyForQuery');
  return { socket, until, outcome };
}
