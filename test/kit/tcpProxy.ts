import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  host: string;
  port: number;
  /**
   * Cuts the service off: resets every open connection, then resets new ones
   * at once (`refuse`, a crashed service) or accepts them and never answers
   * (`hang`, a partitioned one) until `unblock()`.
   */
  block(mode?: 'refuse' | 'hang'): void;
  /** Lets new connections through again; connections left hanging are reset, so clients retry. */
  unblock(): void;
  /** TCP connections accepted so far, blocked ones included. */
  readonly connections: number;
  stop(): Promise<void>;
}

/** A TCP proxy on a free local port in front of a service, to inject network faults mid-test. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let blocked: false | 'refuse' | 'hang' = false;
  let connections = 0;
  const open = new Set<net.Socket>();
  const hanging = new Set<net.Socket>();
  const track = (socket: net.Socket, into: Set<net.Socket>) => {
    into.add(socket);
    socket.on('close', () => into.delete(socket));
    // A reset is the point of this proxy; it must not crash the test process.
    socket.on('error', () => {});
  };

  const server = net.createServer((client) => {
    connections++;
    if (blocked === 'refuse') return void client.resetAndDestroy();
    if (blocked === 'hang') return track(client, hanging);
    const upstream = net.connect(target.port, target.host);
    track(client, open);
    track(upstream, open);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    host: '127.0.0.1',
    port,
    block(mode = 'refuse') {
      blocked = mode;
      for (const socket of open) socket.resetAndDestroy();
    },
    unblock() {
      blocked = false;
      for (const socket of hanging) socket.resetAndDestroy();
    },
    get connections() {
      return connections;
    },
    stop() {
      for (const socket of [...open, ...hanging]) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
