import { once } from 'node:events';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from '@supergraph/common';

/** `limit` points per `windowSeconds`, counted per key (a fixed window starting at a key's first point). */
export interface Limit {
  limit: number;
  windowSeconds: number;
}

/** What consuming points said: allowed, refused until `retryAfterMs` has passed, or not known (the store is unreachable). */
export type Outcome = { allowed: true } | { allowed: false; retryAfterMs: number } | { allowed: 'unknown' };

/**
 * While Redis is unreachable: `local` counts in this router's memory, `open`
 * allows, `closed` refuses.
 */
export type RedisFailureMode = 'local' | 'open' | 'closed';

export interface LimiterStoreOptions {
  /** Counts shared by every router on this Redis; in this process's memory without one. */
  redisUrl?: string;
  /** Prefix of the Redis keys (and of the in-memory ones). */
  keyPrefix: string;
  redisFailure: RedisFailureMode;
  logger: Logger;
}

/** A Redis command slower than this counts as Redis being unreachable: a limit check must not stall every operation. */
const REDIS_TIMEOUT_MS = 500;
/** After Redis failed, how long checks skip it before trying again, so a hung Redis costs one timeout, not one per operation. */
const REDIS_RETRY_AFTER_MS = 1_000;
/** How long start-up waits for Redis before serving with the failure mode. */
const REDIS_CONNECT_WAIT_MS = 2_000;

/**
 * Rate-limit counters: `RateLimiterRedis` over one ioredis connection when
 * the router has Redis, so every router on it counts together, and
 * `RateLimiterMemory` otherwise (`npm start`, one process).
 *
 * When Redis is unreachable the router neither stops serving nor stops
 * limiting by default (`local`): a Redis outage must not become an API
 * outage (`closed` would refuse every operation, subscriptions included),
 * and failing open would lift the password-guessing limits whenever Redis
 * blips, or whenever an attacker manages to slow it. Counting in memory
 * meanwhile keeps each router's limits; only the sharing is lost.
 * rate-limiter-flexible's `insuranceLimiter` falls back the same way, but
 * silently and per call; doing it here lets the router log the switch,
 * skip a hung Redis for a moment instead of waiting out a timeout on every
 * operation, and offer `open` and `closed` for deployments that weigh it
 * otherwise.
 */
export class LimiterStore {
  private readonly redis: Redis | undefined;
  private readonly limiters = new Map<string, { shared: RateLimiterAbstract | undefined; local: RateLimiterMemory }>();
  private redisSkippedUntil = 0;
  private redisDown = false;
  private closing = false;

  private constructor(private readonly options: LimiterStoreOptions) {
    if (!options.redisUrl) return;
    this.redis = new Redis(options.redisUrl, {
      // A command while disconnected fails at once instead of waiting in ioredis's queue.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: REDIS_TIMEOUT_MS,
      retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 5_000),
    });
    this.redis.on('error', (error) => this.markDown(error));
    this.redis.on('close', () => this.markDown(new Error('connection closed')));
    this.redis.on('ready', () => this.markUp());
  }

  /** Connects to Redis when there is one, waiting a moment for it so the first operations are counted there. */
  static async open(options: LimiterStoreOptions): Promise<LimiterStore> {
    const store = new LimiterStore(options);
    if (store.redis) {
      const timeout = AbortSignal.timeout(REDIS_CONNECT_WAIT_MS);
      // Down at start is like down later: logged, and the failure mode applies until it is back.
      await once(store.redis, 'ready', { signal: timeout }).catch(() => {});
    }
    return store;
  }

  /** Adds `points` to `key`'s count under `limit`. */
  async consume(limit: Limit, key: string, points: number): Promise<Outcome> {
    const { shared, local } = this.limiterFor(limit);
    if (shared && Date.now() >= this.redisSkippedUntil) {
      try {
        await shared.consume(key, points);
        this.markUp();
        return { allowed: true };
      } catch (error) {
        if (error instanceof RateLimiterRes) return refused(error);
        this.redisSkippedUntil = Date.now() + REDIS_RETRY_AFTER_MS;
        this.markDown(error as Error);
      }
    }
    if (shared && this.options.redisFailure !== 'local') return this.options.redisFailure === 'open' ? { allowed: true } : { allowed: 'unknown' };
    try {
      await local.consume(key, points);
      return { allowed: true };
    } catch (error) {
      if (error instanceof RateLimiterRes) return refused(error);
      throw error;
    }
  }

  /** Throws unless Redis answers now (readiness); without REDIS_URL there is nothing to ask. */
  async ping(): Promise<void> {
    await this.redis?.ping();
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }

  private limiterFor({ limit, windowSeconds }: Limit) {
    const id = `${limit}/${windowSeconds}`;
    let limiters = this.limiters.get(id);
    if (!limiters) {
      const keyPrefix = `${this.options.keyPrefix}:${id}`;
      limiters = {
        shared: this.redis
          ? new RateLimiterRedis({
              storeClient: this.redis,
              keyPrefix,
              points: limit,
              duration: windowSeconds,
              rejectIfRedisNotReady: true,
              // A key over its limit is refused from memory until its window ends: no Redis round trip per attempt in a flood.
              inMemoryBlockOnConsumed: limit + 1,
            })
          : undefined,
        local: new RateLimiterMemory({ keyPrefix, points: limit, duration: windowSeconds }),
      };
      this.limiters.set(id, limiters);
    }
    return limiters;
  }

  private markDown(error: Error): void {
    if (this.redisDown || this.closing) return;
    this.redisDown = true;
    const consequence = {
      local: 'counting in this router only until it is back',
      open: 'allowing every operation until it is back (RATE_LIMIT_REDIS_FAILURE=open)',
      closed: 'refusing every operation until it is back (RATE_LIMIT_REDIS_FAILURE=closed)',
    }[this.options.redisFailure];
    this.options.logger.warn({ err: error }, `rate limits cannot reach Redis: ${consequence}`);
  }

  private markUp(): void {
    this.redisSkippedUntil = 0;
    if (!this.redisDown) return;
    this.redisDown = false;
    this.options.logger.info('rate limits reach Redis again: counts are shared across routers');
  }
}

const refused = (result: RateLimiterRes): Outcome => ({ allowed: false, retryAfterMs: result.msBeforeNext });
