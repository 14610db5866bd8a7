import { Redis } from 'ioredis';

/** The real Redis the tests run against (TOOLCHAIN.md: 127.0.0.1:6379). */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A connected client; fails loudly when Redis is down instead of retrying forever. */
export async function connectRedis(): Promise<Redis> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 1 });
  // Failures surface through connect() below; without a listener ioredis would also print them.
  redis.on('error', () => {});
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new Error(
      `Redis is not reachable at ${REDIS_URL} (${(error as Error).message}). ` +
        'The tests need a real server; start it (see TOOLCHAIN.md) or set TEST_REDIS_URL.',
    );
  }
  return redis;
}
