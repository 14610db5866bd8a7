import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface Subscription {
  /** Every result received so far, in order. */
  results: any[];
  /** Resolves with the n-th result (1-based) once it has arrived. */
  nth: (n: number, timeoutMs?: number) => Promise<any>;
  /** Set when the server ends the subscription with an error. */
  error: () => unknown;
  dispose: () => void;
}

/** A graphql-ws client as a browser app would open one, with the token in connection_init. */
export function wsClient(httpUrl: string, token?: string): Client {
  return createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
}

/** What `subscribe` needs of a client: graphql-ws's and graphql-sse's clients both fit. */
export interface StreamingClient {
  subscribe: Client['subscribe'];
}

export function subscribe(client: StreamingClient, query: string, variables: Record<string, unknown> = {}, extensions?: Record<string, unknown>): Subscription {
  const results: any[] = [];
  const waiters: (() => void)[] = [];
  let failure: unknown;
  const notify = () => waiters.splice(0).forEach((wake) => wake());
  const dispose = client.subscribe(
    { query, variables, ...(extensions ? { extensions } : {}) },
    {
      next: (result) => {
        results.push(result);
        notify();
      },
      error: (error) => {
        failure = error;
        notify();
      },
      complete: notify,
    },
  );
  return {
    results,
    error: () => failure,
    dispose,
    nth: async (n, timeoutMs = 5_000) => {
      const deadline = Date.now() + timeoutMs;
      while (results.length < n) {
        if (failure) throw new Error(`subscription failed: ${JSON.stringify(failure)}`);
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new Error(`expected ${n} results within ${timeoutMs} ms, got ${results.length}: ${JSON.stringify(results)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, remaining);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return results[n - 1];
    },
  };
}

export interface ProtocolSocket {
  /** Whether the router acknowledged `connection_init` (false: it closed the socket instead). */
  acked: boolean;
  /** Every message received so far, in order. */
  messages: any[];
  /** Resolves with the close code and reason once the socket has closed. */
  closed: Promise<{ code: number; reason: string }>;
  socket: WebSocket;
  subscribe: (id: string, query: string, variables?: Record<string, unknown>) => void;
  complete: (id: string) => void;
  /** The results (`next` payloads) received for one operation id. */
  results: (id: string) => any[];
  /** The errors the operation ended with, if it has. */
  errors: (id: string) => any[] | undefined;
  close: () => Promise<{ code: number; reason: string }>;
}

/**
 * A graphql-transport-ws socket spoken message by message, for what a client
 * library hides: exact counts of messages, subscribes sent all at once, and
 * close codes. Resolves once the router has acknowledged it or closed it.
 * `localAddress` picks the client address (any 127.x.y.z reaches a router
 * on 127.0.0.1), to be another client as far as the router can tell.
 */
export async function protocolSocket(httpUrl: string, options: { token?: string; localAddress?: string } = {}): Promise<ProtocolSocket> {
  const socket = new WebSocket(httpUrl.replace(/^http/, 'ws'), 'graphql-transport-ws', { localAddress: options.localAddress });
  const messages: any[] = [];
  let onAck: (acked: boolean) => void = () => {};
  const acked = new Promise<boolean>((resolve) => (onAck = resolve));
  socket.on('message', (data) => {
    const message = JSON.parse(String(data));
    if (message.type === 'connection_ack') onAck(true);
    messages.push(message);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => {
      onAck(false);
      resolve({ code, reason: String(reason) });
    }),
  );
  const send = (message: unknown) => socket.send(JSON.stringify(message));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  send({ type: 'connection_init', payload: options.token ? { authorization: `Bearer ${options.token}` } : {} });
  return {
    acked: await acked,
    messages,
    closed,
    socket,
    subscribe: (id, query, variables = {}) => send({ id, type: 'subscribe', payload: { query, variables } }),
    complete: (id) => send({ id, type: 'complete' }),
    results: (id) => messages.filter((message) => message.id === id && message.type === 'next').map((message) => message.payload),
    errors: (id) => messages.find((message) => message.id === id && message.type === 'error')?.payload,
    close: () => {
      socket.close();
      return closed;
    },
  };
}
