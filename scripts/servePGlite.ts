import { createServer, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

/*
 * Why this exists rather than a library: PGlite is one Postgres session, and
 * `@electric-sql/pglite-socket`'s server (the one library for it we have)
 * hands that session to its clients one protocol *message* at a time, so the
 * Parse/Bind/Execute/Sync of two connections interleave and one connection
 * reads another's results (see shared TOOLCHAIN.md, 2026-11-23). Its queue is
 * internal and not replaceable. This is the small front that library lacks:
 * it frames the client's messages and passes them to PGlite unchanged, and
 * all it adds is who may use the session when.
 */

export interface ServePGliteOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** Told when PGlite fails on a client's message (that client is disconnected). @default console.error */
  onError?: (error: Error) => void;
}

export interface PGliteServer {
  host: string;
  port: number;
  /**
   * Stops accepting, disconnects every client (rolling back what each left
   * open), and resolves once PGlite is no longer in use: close it after.
   */
  stop: () => Promise<void>;
}

/**
 * Serves one PGlite database over the PostgreSQL wire protocol to any number
 * of connections, as if each had a session of its own.
 *
 * A connection takes the one session with its first message and keeps it
 * until Postgres answers ReadyForQuery with transaction status idle ('I').
 * Meanwhile the other connections wait, first come first served. So a whole
 * extended-protocol exchange (Parse ... Sync) and a whole transaction
 * (BEGIN ... COMMIT) run with nobody else's statements in between, and every
 * answer goes to the connection that asked. A connection that closes while
 * it holds the session (mid-transaction or mid-exchange) has its work rolled
 * back and the session passes on.
 *
 * What is *not* per connection, because there is only one session: session
 * settings (`SET`, startup parameters such as `application_name`), named
 * prepared statements and portals, temporary tables, session advisory locks
 * and LISTEN (a notification reaches whichever connection is being answered).
 * Our clients use none of these: pg, Prisma's adapter-pg (no
 * `statementNameGenerator`), the outbox relay and `prisma migrate deploy`
 * send unnamed statements only, and `npm start` runs the relay by polling
 * rather than LISTEN. A client that names its prepared statements would
 * collide with another doing the same ("prepared statement already exists").
 *
 * A connection that sits idle inside a transaction holds up every other one,
 * as it would hold its row locks on a real server, only for everything.
 */
export async function servePGlite(db: PGlite, options: ServePGliteOptions = {}): Promise<PGliteServer> {
  const { host = '127.0.0.1', port = 0, onError = (error) => console.error('servePGlite:', error) } = options;
  await db.waitReady;
  const session = new SessionLock();
  const clients = new Set<ClientConnection>();
  const server = createServer((socket) => {
    const client = new ClientConnection(db, session, socket, onError);
    clients.add(client);
    void client.finished.then(() => clients.delete(client));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error(`servePGlite: expected a TCP address, got ${String(address)}`);
  return {
    host,
    port: address.port,
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const client of clients) client.disconnect();
      await Promise.all([...clients].map((client) => client.finished));
      await closed;
    },
  };
}

/** The one session: a first-come-first-served lock, held from a connection's first message until Postgres is idle again. */
class SessionLock {
  private held = false;
  private readonly waiting: (() => void)[] = [];

  acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise((grant) => this.waiting.push(grant));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.held = false;
  }
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const TERMINATE = 0x58; // 'X'
const READY_FOR_QUERY = 0x5a; // 'Z'
const IDLE = 0x49; // 'I'

/** One client socket: its messages, in order, run on the session while this connection holds it. */
class ClientConnection {
  /** Resolves once the socket is closed and the session is no longer held by it. */
  readonly finished: Promise<void>;
  private readonly db: PGlite;
  private readonly session: SessionLock;
  private readonly socket: Socket;
  private readonly onError: (error: Error) => void;
  private unread = Buffer.alloc(0);
  /** Before the startup message, messages have no type byte. */
  private started = false;
  private readonly inbox: Buffer[] = [];
  private closed = false;
  private wake?: () => void;

  constructor(db: PGlite, session: SessionLock, socket: Socket, onError: (error: Error) => void) {
    this.db = db;
    this.session = session;
    this.socket = socket;
    this.onError = onError;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.receive(chunk));
    // 'close' follows every error.
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
    this.finished = this.serve();
  }

  disconnect(): void {
    this.socket.destroy();
  }

  /** Splits what arrived into whole messages; answers SSL and GSS encryption requests with 'N' (not supported) itself. */
  private receive(chunk: Buffer): void {
    this.unread = Buffer.concat([this.unread, chunk]);
    for (;;) {
      // A typed message is its type byte and length (5 bytes) at least; an untyped one, its length and code (8).
      const shortest = this.started ? 5 : 8;
      if (this.unread.length < shortest) break;
      const length = this.started ? 1 + this.unread.readInt32BE(1) : this.unread.readInt32BE(0);
      if (length < shortest) return this.disconnect();
      if (this.unread.length < length) break;
      const message = this.unread.subarray(0, length);
      this.unread = this.unread.subarray(length);
      if (!this.started) {
        const code = message.readInt32BE(4);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          this.socket.write('N');
          continue;
        }
        // PGlite has no other backend to cancel; Postgres closes a cancel request's connection without a word.
        if (code === CANCEL_REQUEST) return this.disconnect();
        this.started = true;
      }
      this.inbox.push(message);
    }
    this.wake?.();
  }

  private async serve(): Promise<void> {
    let holding = false;
    try {
      for (;;) {
        const message = await this.nextMessage();
        // The startup message begins with its length's high byte (0), never with a type.
        if (!message || message[0] === TERMINATE) break;
        if (!holding) {
          await this.session.acquire();
          if (this.closed) {
            this.session.release();
            break;
          }
          holding = true;
        }
        const reply = await this.db.runExclusive(() => this.db.execProtocolRaw(message));
        if (!this.closed) this.socket.write(reply);
        if (lastReadyStatus(reply) === IDLE) {
          holding = false;
          this.session.release();
        }
      }
    } catch (error) {
      // PGlite failed on this connection's message; the client sees its connection lost.
      this.onError(error as Error);
    } finally {
      this.disconnect();
      if (holding) {
        await this.rollBack().catch(this.onError);
        this.session.release();
      }
    }
  }

  /** The next message, once there is one; undefined once the client is gone (what it sent last is dropped). */
  private async nextMessage(): Promise<Buffer | undefined> {
    while (this.inbox.length === 0 && !this.closed) {
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    return this.closed ? undefined : this.inbox.shift();
  }

  /**
   * Ends whatever the departed client left open, as Postgres does when a
   * connection drops: ROLLBACK also aborts an unfinished extended-protocol
   * exchange, unless an error there makes Postgres skip messages until
   * Sync; then the Sync ends that, and if an explicit transaction is still
   * open (now failed), a second ROLLBACK ends it.
   */
  private async rollBack(): Promise<void> {
    const run = (message: Uint8Array) => this.db.runExclusive(() => this.db.execProtocolRaw(message));
    await run(simpleQuery('ROLLBACK'));
    if (lastReadyStatus(await run(SYNC)) !== IDLE) await run(simpleQuery('ROLLBACK'));
  }
}

const SYNC = Uint8Array.from([0x53, 0, 0, 0, 4]);

function simpleQuery(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`);
  const message = Buffer.alloc(5 + text.length);
  message.write('Q', 0);
  message.writeInt32BE(4 + text.length, 1);
  text.copy(message, 5);
  return message;
}

/**
 * The transaction status ('I', 'T' or 'E') of the last ReadyForQuery in a
 * reply, if it has one. A reply is whole backend messages: PGlite flushes
 * its output at the end of every `execProtocolRaw`.
 */
function lastReadyStatus(reply: Uint8Array): number | undefined {
  const bytes = Buffer.from(reply.buffer, reply.byteOffset, reply.byteLength);
  let status: number | undefined;
  for (let at = 0; at < bytes.length; at += 1 + bytes.readInt32BE(at + 1)) {
    if (bytes[at] === READY_FOR_QUERY) status = bytes[at + 5];
  }
  return status;
}
