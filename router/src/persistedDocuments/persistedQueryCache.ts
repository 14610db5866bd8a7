import { ErrorsAreMissesCache, InMemoryLRUCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import { Redis } from 'ioredis';
import type { Logger } from '@supergraph/common';
import type { DocumentRegistry } from './documentRegistry.ts';

/**
 * Where Apollo Server's automatic persisted queries (APQ) look a hash up:
 * the documents clients registered at build time first, then what clients
 * registered at run time (a hash sent with its document once). Run-time
 * registrations live in Redis when the router has one, so every router
 * instance knows a hash any of them has seen, and otherwise in a bounded
 * in-memory LRU. Redis failing is a miss (the client sends the document
 * again), never an error.
 */
export function persistedQueryCache(
  registry: DocumentRegistry,
  options: { redisUrl?: string; logger: Logger; onHit?: (cache: 'persisted_documents' | 'apq') => void },
): { cache: KeyValueCache<string>; close: () => Promise<void> } {
  const { store, close } = runtimeStore(options);
  const hashOf = (key: string) => /[0-9a-f]{64}$/i.exec(key)?.[0];
  const cache: KeyValueCache<string> = {
    async get(key) {
      const hash = hashOf(key);
      const registered = hash && registry.byHash(hash);
      if (registered) {
        options.onHit?.('persisted_documents');
        return registered;
      }
      if (registry.registeredOnly) return undefined;
      const remembered = await store.get(key);
      if (remembered !== undefined) options.onHit?.('apq');
      return remembered;
    },
    async set(key, value, setOptions) {
      // With registered documents only, nothing a client sends is remembered.
      if (!registry.registeredOnly) await store.set(key, value, setOptions);
    },
    async delete(key) {
      return store.delete(key);
    },
  };
  return { cache, close };
}

function runtimeStore({ redisUrl, logger }: { redisUrl?: string; logger: Logger }): { store: KeyValueCache<string>; close: () => Promise<void> } {
  // About 30 MB of documents at most, Apollo's own default.
  if (!redisUrl) return { store: new InMemoryLRUCache<string>({ maxSize: 30 * 1024 * 1024 }), close: async () => {} };
  const redis = new Redis(redisUrl, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  redis.on('error', (error) => logger.debug({ err: error }, 'persisted query store: Redis unavailable'));
  void redis.connect().catch(() => {});
  // A few methods over ioredis; @apollo/utils.keyvadapter would add keyv and its Redis store for the same three calls.
  const store: KeyValueCache<string> = {
    async get(key) {
      return (await redis.get(key)) ?? undefined;
    },
    async set(key, value, setOptions) {
      if (setOptions?.ttl) await redis.set(key, value, 'EX', setOptions.ttl);
      else await redis.set(key, value);
    },
    async delete(key) {
      return (await redis.del(key)) > 0;
    },
  };
  return { store: new ErrorsAreMissesCache(store, logger), close: async () => void (await redis.quit().catch(() => redis.disconnect())) };
}
