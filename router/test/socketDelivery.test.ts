import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ExecutionResult } from 'graphql';
import { PubSub } from 'graphql-subscriptions';
import { WebSocket, WebSocketServer } from 'ws';
import { describe, expect, it } from 'vitest';
import { createMemoryEventSink } from '@supergraph/bridge';
import { createEvent, createLogger, MemoryEventHistory, type EventEnvelope } from '@supergraph/common';
import { memoryEventSource } from '@supergraph/router';
import { createSocketDelivery } from '../src/subscriptions/socketDelivery.ts';
import { MAX_UNREAD_BYTES } from '../src/subscriptions/turnDelivery.ts';
import { SUBSCRIBER_BUFFER, SubscriptionHub, type Delivery, type SubscriptionSpec } from '../src/subscriptions/subscriptionHub.ts';
import { waitFor } from '../../test/kit/waitFor.ts';

// The graphql-ws fast path alone: results written to sockets by the hub,
// serialized once per group. Over real sockets it is tested in
// subscriptions.test.ts.
const logger = createLogger('test', 'silent');

/**
 * A real WebSocket pair over loopback: the server's end (and the connection
 * under it) to deliver on, what the client end received, and how many times
 * the connection was written to.
 */
async function socketPair() {
  const server = createServer();
  const wss = new WebSocketServer({ server });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<{ socket: WebSocket; connection: Socket }>((resolve) => wss.once('connection', (socket, request) => resolve({ socket, connection: request.socket })));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const received: string[] = [];
  client.on('message', (data) => received.push(data.toString()));
  await new Promise((resolve) => client.once('open', resolve));
  const { socket, connection } = await accepted;
  let writes = 0;
  const write = connection.write.bind(connection) as (...args: unknown[]) => boolean;
  connection.write = ((...args: unknown[]) => (writes++, write(...args))) as typeof connection.write;
  return {
    socket,
    connection,
    client,
    received,
    writes: () => writes,
    close: async () => {
      client.terminate();
      await new Promise((resolve) => wss.close(resolve));
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('socket delivery', () => {
  it('serializes a result once and sends each subscription a graphql-ws next message with its own id, one write per socket', async () => {
    let formatted = 0;
    const delivery = createSocketDelivery((result) => (formatted++, result));
    const [a, b] = await Promise.all([socketPair(), socketPair()]);
    const deliveries = [delivery.to(a.socket, a.connection, '1', () => true), delivery.to(a.socket, a.connection, 'a"b', () => true), delivery.to(b.socket, b.connection, '1', () => true)];
    const result: ExecutionResult = { data: { noteCreated: { id: 'n1', title: 'é "quoted" ✓' } }, extensions: { event: { id: 'e1' } } };

    for (const deliver of deliveries) expect(deliver(result)).toBe(true);
    expect(a.writes()).toBe(0);
    await waitFor('every message', () => a.received.length === 2 && b.received.length === 1);

    expect(formatted).toBe(1);
    // Byte for byte what graphql-ws would have sent, in text frames the client reads.
    expect(a.received).toEqual([JSON.stringify({ id: '1', type: 'next', payload: result }), JSON.stringify({ id: 'a"b', type: 'next', payload: result })]);
    expect(b.received).toEqual([JSON.stringify({ id: '1', type: 'next', payload: result })]);
    // A socket's messages leave in one write.
    expect(a.writes()).toBe(1);
    await Promise.all([a.close(), b.close()]);
  });

  it('frames payloads of every length class, and keeps them in order with what ws sends itself', async () => {
    const delivery = createSocketDelivery((result) => result);
    const a = await socketPair();
    const deliver = delivery.to(a.socket, a.connection, '1', () => true);
    // Frames of under 126 bytes, under 64 KiB (16-bit length) and over (64-bit length).
    const results: ExecutionResult[] = [{ data: {} }, { data: { text: 'x'.repeat(1_000) } }, { data: { text: 'ü'.repeat(40_000) } }];
    for (const result of results) deliver(result);
    delivery.flush(a.socket);
    a.socket.send('sent by ws');
    await waitFor('every message', () => a.received.length === 4);
    expect(a.received).toEqual([...results.map((payload) => JSON.stringify({ id: '1', type: 'next', payload })), 'sent by ws']);
    await a.close();
  });

  it('frames messages of exactly 125, 126, 65,535 and 65,536 bytes, with multi-byte characters and an id to escape', async () => {
    const delivery = createSocketDelivery((result) => result);
    const a = await socketPair();
    const id = 'é"\u2028😀';
    const deliver = delivery.to(a.socket, a.connection, id, () => true);
    const expected: string[] = [];
    for (const bytes of [125, 126, 127, 65_535, 65_536, 65_537]) {
      for (const filler of ['x', 'é']) {
        // The text that makes the whole message `bytes` long, in UTF-8 bytes (é takes two).
        const fill = bytes - Buffer.byteLength(JSON.stringify({ id, type: 'next', payload: { data: { text: '' } } }));
        const text = filler.repeat(Math.floor(fill / Buffer.byteLength(filler))) + 'x'.repeat(fill % Buffer.byteLength(filler));
        const message = JSON.stringify({ id, type: 'next', payload: { data: { text } } });
        expect(Buffer.byteLength(message)).toBe(bytes);
        expected.push(message);
        deliver({ data: { text } });
      }
    }
    await waitFor('every message', () => a.received.length === expected.length);
    expect(a.received).toEqual(expected);
    await a.close();
  });

  it('gives a reader that fell behind every message, in order, from a buffer of its own', async () => {
    const delivery = createSocketDelivery((result) => result);
    const a = await socketPair();
    const deliver = delivery.to(a.socket, a.connection, '1', () => true);
    const large = (n: number): ExecutionResult => ({ data: { n, text: 'x'.repeat(200_000) } });
    a.client.pause();
    let sent = 0;
    // Until the operating system takes no more and the connection holds bytes itself; then some more.
    while (a.connection.writableLength === 0 && sent < 200) {
      deliver(large(sent++));
      await nextTurn();
    }
    expect(a.connection.writableLength).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) {
      deliver(large(sent++));
      await nextTurn();
    }
    a.client.resume();
    await waitFor('every message', () => a.received.length === sent);
    expect(a.received.map((message) => JSON.parse(message).payload.data.n)).toEqual(Array.from({ length: sent }, (_, n) => n));
    await a.close();
  });

  it(`cuts a connection whose client leaves more than ${MAX_UNREAD_BYTES / 1024 / 1024} MB unread, though no subscription of it is ${SUBSCRIBER_BUFFER} results behind`, async () => {
    const delivery = createSocketDelivery((result) => result);
    const a = await socketPair();
    const deliver = delivery.to(a.socket, a.connection, '1', () => true);
    const large: ExecutionResult = { data: { text: 'x'.repeat(1024 * 1024) } };
    a.client.pause();
    let sent = 0;
    while (a.socket.readyState === WebSocket.OPEN && sent < 100) {
      expect(deliver(large)).toBe(true);
      sent++;
      await nextTurn();
    }
    expect(a.socket.readyState).not.toBe(WebSocket.OPEN);
    expect(sent).toBeGreaterThan(MAX_UNREAD_BYTES / (1024 * 1024));
    expect(sent).toBeLessThan(SUBSCRIBER_BUFFER);
    await a.close();
  });

  it('writes what waits when flushed, before graphql-ws sends its own message, and drops results of an operation that is over', async () => {
    const delivery = createSocketDelivery((result) => result);
    const a = await socketPair();
    let current = true;
    const deliver = delivery.to(a.socket, a.connection, '1', () => current);
    deliver({ data: { n: 1 } });
    delivery.flush(a.socket);
    expect(a.writes()).toBe(1);
    current = false;
    expect(deliver({ data: { n: 2 } })).toBe(true);
    await nextTurn();
    a.socket.send('after');
    await waitFor('the messages', () => a.received.length === 2);
    expect(a.received.map((message) => (message === 'after' ? message : JSON.parse(message).payload))).toEqual([{ data: { n: 1 } }, 'after']);
    await a.close();
  });

  // Found by hostile testing: results waiting for the turn's write went out after their client completed the
  // subscription, under an id it may already have reused for another one.
  it('drops the results waiting for a subscription once its client completed it, though it reuses the id at once', async () => {
    const delivery = createSocketDelivery((result) => result);
    const a = await socketPair();
    let firstCurrent = true;
    const first = delivery.to(a.socket, a.connection, '1', () => firstCurrent);
    expect(first({ data: { subscription: 'first' } })).toBe(true);
    firstCurrent = false;
    const second = delivery.to(a.socket, a.connection, '1', () => true);
    expect(second({ data: { subscription: 'second' } })).toBe(true);
    await nextTurn();
    // graphql-ws flushes when it completes the first one: nothing of it may go out then either.
    first({ data: { subscription: 'first' } });
    delivery.flush(a.socket);
    a.socket.send('after');
    await waitFor('the messages', () => a.received.includes('after'));
    expect(a.received.map((message) => (message === 'after' ? message : JSON.parse(message).payload))).toEqual([{ data: { subscription: 'second' } }, 'after']);
    await a.close();
  });

  it(`tells the hub a subscription is behind once ${SUBSCRIBER_BUFFER} of its messages are not written`, async () => {
    const delivery = createSocketDelivery((result) => result);
    const a = await socketPair();
    const deliver = delivery.to(a.socket, a.connection, '1', () => true);
    for (let i = 0; i < SUBSCRIBER_BUFFER; i++) expect(deliver({ data: { n: i } })).toBe(true);
    expect(deliver({ data: { n: -1 } })).toBe(false);
    // Once the operating system has taken them, there is room again.
    await waitFor('the messages', () => a.received.length === SUBSCRIBER_BUFFER);
    expect(deliver({ data: { n: SUBSCRIBER_BUFFER } })).toBe(true);
    await a.close();
  });

  it('sends nothing to a socket that closed while its messages waited', async () => {
    const delivery = createSocketDelivery((result) => result);
    const a = await socketPair();
    const deliver = delivery.to(a.socket, a.connection, '1', () => true);
    deliver({ data: { n: 1 } });
    a.socket.close(1000);
    // ws writes its close frame at once; nothing may follow it.
    const closeWrites = a.writes();
    await nextTurn();
    expect(a.writes()).toBe(closeWrites);
    expect(a.received).toEqual([]);
    await a.close();
  });
});

describe('the hub with a delivery', () => {
  function hubWithEvents() {
    const pubsub = new PubSub();
    const history = new MemoryEventHistory({ retentionMs: 60_000 });
    const sink = createMemoryEventSink({ history, publish: (positioned) => void pubsub.publish(positioned.event.type, positioned) });
    const hub = new SubscriptionHub(memoryEventSource(pubsub, history, logger), logger);
    const publish = async (id: string) => {
      const event = createEvent({ type: 'thing.happened', aggregateType: 'Thing', aggregateId: id, aggregateVersion: 1, data: {} }, { actorId: null, correlationId: null });
      await sink.publishOnce(event);
      return event;
    };
    return { hub, publish };
  }
  const specOf = (key: string, resolve: SubscriptionSpec['resolve']): SubscriptionSpec => ({
    key,
    feed: { field: 'thingHappened', types: ['thing.happened'], match: [], lookup: 'thing' },
    args: {},
    resolve,
    revalidate: () => [],
  });

  it("hands every member of a group the same result, never another group's, in event order though later events resolve first", async () => {
    const { hub, publish } = hubWithEvents();
    // The first event resolves last.
    const delayOf = (event: EventEnvelope) => (event.aggregateId === 't1' ? 50 : 0);
    let resolving = 0;
    let mostAtOnce = 0;
    const resolveAs = (viewer: string) => async (event: EventEnvelope) => {
      mostAtOnce = Math.max(mostAtOnce, ++resolving);
      await new Promise((resolve) => setTimeout(resolve, delayOf(event)));
      resolving--;
      return { data: { thingHappened: { id: event.aggregateId, seenBy: viewer } } };
    };
    const received = new Map<string, ExecutionResult[]>();
    const deliveryFor = (name: string): Delivery => (result) => (received.set(name, [...(received.get(name) ?? []), result]), true);
    const streams = [
      hub.subscribe(specOf('alice', resolveAs('alice')), undefined, deliveryFor('alice 1')),
      hub.subscribe(specOf('alice', resolveAs('alice')), undefined, deliveryFor('alice 2')),
      hub.subscribe(specOf('bob', resolveAs('bob')), undefined, deliveryFor('bob')),
    ];
    // A Repeater starts (joins its group) when first read; with a delivery it yields only a final result.
    const finals = streams.map((stream) => stream.next());
    await waitFor('three subscribers', () => hub.subscriberCount === 3);
    await hub.ready();

    await publish('t1');
    await publish('t2');
    await waitFor('both events to everyone', () => [...received.values()].every((results) => results.length === 2) && received.size === 3);

    const ids = (name: string) => received.get(name)!.map((result) => (result.data as any).thingHappened.id);
    for (const name of ['alice 1', 'alice 2', 'bob']) expect(ids(name)).toEqual(['t1', 't2']);
    expect(received.get('alice 1')![0]).toBe(received.get('alice 2')![0]);
    expect(received.get('bob')!.map((result) => (result.data as any).thingHappened.seenBy)).toEqual(['bob', 'bob']);
    expect(received.get('alice 1')!.map((result) => (result.data as any).thingHappened.seenBy)).toEqual(['alice', 'alice']);
    // The second event was looked up while the first still was.
    expect(mostAtOnce).toBeGreaterThan(2);

    await Promise.all(streams.map((stream) => stream.return!()));
    await Promise.all(finals);
    await hub.close(1_000);
  });

  it('looks a burst of events up a few at a time per group, and delivers them all in order', async () => {
    const { hub, publish } = hubWithEvents();
    let resolving = 0;
    let mostAtOnce = 0;
    const resolve = async (event: EventEnvelope) => {
      mostAtOnce = Math.max(mostAtOnce, ++resolving);
      await new Promise((done) => setTimeout(done, 5));
      resolving--;
      return { data: { thingHappened: { id: event.aggregateId } } };
    };
    const received: string[] = [];
    const stream = hub.subscribe(specOf('burst', resolve), undefined, (result) => (received.push((result.data as any).thingHappened.id), true));
    const final = stream.next();
    await waitFor('the subscriber', () => hub.subscriberCount === 1);
    await hub.ready();

    const ids = Array.from({ length: 80 }, (_, i) => `t${i}`);
    await Promise.all(ids.map((id) => publish(id)));
    await waitFor('every event', () => received.length === ids.length);
    expect(received).toEqual(ids);
    expect(mostAtOnce).toBeGreaterThan(1);
    expect(mostAtOnce).toBeLessThanOrEqual(32);

    await stream.return!();
    await final;
    await hub.close(1_000);
  });

  it('ends a subscriber that is too far behind with SERVICE_UNAVAILABLE, and goes on delivering to the rest of its group', async () => {
    const { hub, publish } = hubWithEvents();
    const resolve = async (event: EventEnvelope) => ({ data: { thingHappened: { id: event.aggregateId } } });
    const healthy: ExecutionResult[] = [];
    let slowTook = 0;
    const slow = hub.subscribe(specOf('g', resolve), undefined, () => (slowTook++, false));
    const fine = hub.subscribe(specOf('g', resolve), undefined, (result) => (healthy.push(result), true));
    const [slowFinal, fineFinal] = [slow.next(), fine.next()];
    await waitFor('two subscribers', () => hub.subscriberCount === 2);
    await hub.ready();

    await publish('t1');
    expect((await slowFinal).value).toMatchObject({ errors: [{ extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
    expect((await slow.next()).done).toBe(true);
    await waitFor('the slow one to leave', () => hub.subscriberCount === 1);
    await publish('t2');
    await waitFor('both events to the other', () => healthy.length === 2);
    expect(slowTook).toBe(1);

    await fine.return!();
    await fineFinal;
    await hub.close(1_000);
  });
});
