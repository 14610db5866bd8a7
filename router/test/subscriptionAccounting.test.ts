import { describe, expect, it } from 'vitest';
import { isRefusal, releasingSlot, socketOwner, SubscriptionLimits, type SocketAccount } from '../src/subscriptions/subscriptionLimits.ts';

// The bookkeeping behind the WebSocket limits, alone; the router's use of it
// is tested end to end in subscriptionLimits.test.ts.
const caps = {
  WS_MAX_SUBSCRIPTIONS_PER_SOCKET: 2,
  WS_MAX_SUBSCRIPTIONS_PER_USER: 3,
  WS_MAX_SUBSCRIPTIONS_PER_IP: 3,
  WS_MAX_SUBSCRIPTIONS_PER_ROUTER: 100,
  WS_MAX_SOCKETS_PER_USER: 2,
  WS_MAX_SOCKETS_PER_IP: 2,
};
const alice = socketOwner({ userId: 'alice', role: 'CUSTOMER' }, '203.0.113.7');

function openSocket(limits: SubscriptionLimits): SocketAccount {
  const account = limits.openSocket(alice);
  if (isRefusal(account)) throw new Error(`refused: ${JSON.stringify(account)}`);
  return account;
}

function take(limits: SubscriptionLimits, socket: SocketAccount) {
  const slot = limits.take(socket);
  if (isRefusal(slot)) throw new Error(`refused: ${JSON.stringify(slot)}`);
  return slot;
}

describe('SubscriptionLimits', () => {
  it('gives each count back once, however often a slot is released or its socket closed', () => {
    const limits = new SubscriptionLimits(caps);
    const socket = openSocket(limits);
    const [first] = [take(limits, socket), take(limits, socket)];
    first.release();
    first.release();
    expect(limits.usage()).toEqual({ sockets: 1, subscriptions: 1 });
    limits.closeSocket(socket);
    limits.closeSocket(socket);
    expect(limits.usage()).toEqual({ sockets: 0, subscriptions: 0 });
    expect([openSocket(limits), openSocket(limits)]).toHaveLength(2);
    expect(limits.openSocket(alice)).toEqual({ limit: 'socketsPerUser', max: 2 });
  });

  it('refuses a slot on a closed socket with a TypeError that states the contract', () => {
    const limits = new SubscriptionLimits(caps);
    const socket = openSocket(limits);
    limits.closeSocket(socket);
    expect(() => limits.take(socket)).toThrow(new TypeError('SubscriptionLimits.take: the socket of user:alice is closed and takes no subscriptions.'));
  });
});

describe('releasingSlot', () => {
  async function* oneResult() {
    yield 'result';
  }

  it('releases the slot when the stream is returned before anything was asked of it', async () => {
    const limits = new SubscriptionLimits(caps);
    const stream = releasingSlot(oneResult(), take(limits, openSocket(limits)));
    await stream.return!();
    expect(limits.usage().subscriptions).toBe(0);
  });

  it('releases the slot when the stream ends, and not before', async () => {
    const limits = new SubscriptionLimits(caps);
    const stream = releasingSlot(oneResult(), take(limits, openSocket(limits)));
    expect(await stream.next()).toEqual({ done: false, value: 'result' });
    expect(limits.usage().subscriptions).toBe(1);
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    expect(limits.usage().subscriptions).toBe(0);
  });

  it('releases the slot when the stream fails', async () => {
    const limits = new SubscriptionLimits(caps);
    const failing = (async function* () {
      yield* [];
      throw new Error('subscriber too slow');
    })();
    const stream = releasingSlot(failing, take(limits, openSocket(limits)));
    await expect(stream.next()).rejects.toThrow('subscriber too slow');
    expect(limits.usage().subscriptions).toBe(0);
  });
});
