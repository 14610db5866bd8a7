import type { GraphQLError } from 'graphql';
import { appError, type Viewer } from '@supergraph/common';
import type { RouterConfig } from '../config.ts';

/** A cap on subscriptions, as a refused client reads it in `extensions.limit`. */
export type SubscriptionCap = 'subscriptionsPerSocket' | 'subscriptionsPerUser' | 'subscriptionsPerIp' | 'subscriptionsPerRouter';

/** A cap on open sockets (a refused socket is closed with 4429; the log names the cap). */
export type SocketCap = 'socketsPerUser' | 'socketsPerIp';

/** Why something was not admitted: which cap, and its value. */
export interface Refusal<Cap extends SubscriptionCap | SocketCap = SubscriptionCap | SocketCap> {
  limit: Cap;
  max: number;
}

/** Who a socket and its subscriptions count against: a signed-in user, or for an anonymous socket its client address. */
export interface SocketOwner {
  key: string;
  anonymous: boolean;
}

/** One socket's account, from its `connection_init` until it closes. */
export interface SocketAccount {
  readonly owner: SocketOwner;
  /** The slots of its active subscriptions. */
  readonly slots: Set<Slot>;
  open: boolean;
}

/** One active subscription's place under every cap; released once, whatever ends it. */
export interface Slot {
  release(): void;
}

/**
 * Caps on what WebSockets hold open on this router: sockets per user (per
 * client address when anonymous), and active subscriptions per socket, per
 * user (per address) and in total. Every check and its count happen in one
 * synchronous step, so requests arriving together cannot all pass a check
 * made before the first of them is counted; each count is given back
 * exactly once (`Slot.release` and `closeSocket` are idempotent).
 *
 * The counts live in this process: every router enforces its own caps.
 */
export class SubscriptionLimits {
  private readonly socketsByOwner = new Map<string, number>();
  private readonly subscriptionsByOwner = new Map<string, number>();
  private subscriptions = 0;
  private sockets = 0;

  constructor(private readonly config: Pick<RouterConfig, SubscriptionLimitSetting>) {}

  /** Counts a socket that has sent `connection_init`; refuses it when its owner already has as many as allowed. */
  openSocket(owner: SocketOwner): SocketAccount | Refusal<SocketCap> {
    const max = owner.anonymous ? this.config.WS_MAX_SOCKETS_PER_IP : this.config.WS_MAX_SOCKETS_PER_USER;
    if ((this.socketsByOwner.get(owner.key) ?? 0) >= max) return { limit: owner.anonymous ? 'socketsPerIp' : 'socketsPerUser', max };
    increment(this.socketsByOwner, owner.key);
    this.sockets++;
    return { owner, slots: new Set(), open: true };
  }

  /**
   * Takes a slot for a subscription starting on `socket`, or names the first
   * cap it would pass: per socket, then per owner, then the router's total.
   * Call it before awaiting anything for that subscription.
   */
  take(socket: SocketAccount): Slot | Refusal<SubscriptionCap> {
    const { owner } = socket;
    if (!socket.open) throw new TypeError(`SubscriptionLimits.take: the socket of ${owner.key} is closed and takes no subscriptions.`);
    const perOwner = owner.anonymous ? this.config.WS_MAX_SUBSCRIPTIONS_PER_IP : this.config.WS_MAX_SUBSCRIPTIONS_PER_USER;
    if (socket.slots.size >= this.config.WS_MAX_SUBSCRIPTIONS_PER_SOCKET) return { limit: 'subscriptionsPerSocket', max: this.config.WS_MAX_SUBSCRIPTIONS_PER_SOCKET };
    if ((this.subscriptionsByOwner.get(owner.key) ?? 0) >= perOwner) return { limit: owner.anonymous ? 'subscriptionsPerIp' : 'subscriptionsPerUser', max: perOwner };
    if (this.subscriptions >= this.config.WS_MAX_SUBSCRIPTIONS_PER_ROUTER) return { limit: 'subscriptionsPerRouter', max: this.config.WS_MAX_SUBSCRIPTIONS_PER_ROUTER };

    increment(this.subscriptionsByOwner, owner.key);
    this.subscriptions++;
    const slot: Slot = {
      release: () => {
        if (!socket.slots.delete(slot)) return;
        decrement(this.subscriptionsByOwner, owner.key);
        this.subscriptions--;
      },
    };
    socket.slots.add(slot);
    return slot;
  }

  /** Gives back the socket's count and every slot it still holds, whichever way it closed. */
  closeSocket(socket: SocketAccount): void {
    if (!socket.open) return;
    socket.open = false;
    for (const slot of [...socket.slots]) slot.release();
    decrement(this.socketsByOwner, socket.owner.key);
    this.sockets--;
  }

  /** Sockets and subscriptions counted now. */
  usage(): { sockets: number; subscriptions: number } {
    return { sockets: this.sockets, subscriptions: this.subscriptions };
  }
}

export type SubscriptionLimitSetting =
  | 'WS_MAX_SUBSCRIPTIONS_PER_SOCKET'
  | 'WS_MAX_SUBSCRIPTIONS_PER_USER'
  | 'WS_MAX_SUBSCRIPTIONS_PER_IP'
  | 'WS_MAX_SUBSCRIPTIONS_PER_ROUTER'
  | 'WS_MAX_SOCKETS_PER_USER'
  | 'WS_MAX_SOCKETS_PER_IP';

export function isRefusal(value: object): value is Refusal {
  return 'limit' in value;
}

/**
 * A signed-in socket counts against its user; an anonymous one against its
 * client's address, as the rate limits see it (rateLimit/clientAddress.ts:
 * the TCP peer, or the trusted proxies' entry, an IPv6 client by its /64).
 */
export function socketOwner(viewer: Viewer, clientAddress: string): SocketOwner {
  return viewer ? { key: `user:${viewer.userId}`, anonymous: false } : { key: `address:${clientAddress}`, anonymous: true };
}

/** What a client is told when a subscription is refused: `extensions.limit` names the cap, `extensions.max` its value. */
export function limitExceeded({ limit, max }: Refusal<SubscriptionCap>): GraphQLError {
  return appError('SUBSCRIPTION_LIMIT_EXCEEDED', refusalMessages[limit](max), { details: { limit, max } });
}

const refusalMessages: Record<SubscriptionCap, (max: number) => string> = {
  subscriptionsPerSocket: (max) => `This socket already holds ${max} subscriptions, the most one socket may; complete one first.`,
  subscriptionsPerUser: (max) => `You already hold ${max} subscriptions on this router, the most one user may; complete one first.`,
  subscriptionsPerIp: (max) => `Anonymous sockets from your address already hold ${max} subscriptions, the most allowed; complete one or sign in.`,
  subscriptionsPerRouter: (max) => `This router already serves ${max} subscriptions, the most it takes; retry later.`,
};

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Forgets an owner at zero, so the maps hold only owners with something open. */
function decrement(counts: Map<string, number>, key: string): void {
  const count = (counts.get(key) ?? 0) - 1;
  if (count > 0) counts.set(key, count);
  else counts.delete(key);
}

/**
 * A subscriber's stream that releases its slot when the stream ends,
 * whichever way: the hub ends it (done), the client completes it or its
 * socket closes (`return`, possibly before anything was asked of it, when an
 * async generator's `finally` would never run), or it fails.
 */
export function releasingSlot<T>(stream: AsyncIterator<T>, slot: Slot): AsyncIterableIterator<T> {
  const settle = (step: Promise<IteratorResult<T>>) =>
    step.then(
      (result) => {
        if (result.done) slot.release();
        return result;
      },
      (error: unknown) => {
        slot.release();
        throw error;
      },
    );
  const iterator: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]: () => iterator,
    next: () => settle(stream.next()),
    return: (value?: unknown) => {
      slot.release();
      return stream.return ? stream.return(value) : Promise.resolve({ done: true, value });
    },
    throw: (error?: unknown) => {
      slot.release();
      return stream.throw ? stream.throw(error) : Promise.reject(error);
    },
  };
  return iterator;
}
