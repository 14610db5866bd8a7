import { z } from 'zod';
import { DEFAULT_HISTORY_MAX_LENGTH, DEFAULT_HISTORY_RETENTION_MS, EVENTS_EXCHANGE, parseConfig, sharedConfigSchema } from '@supergraph/common';

/** Settings of the bridge, read once at start-up. Shared ones: see common/sharedConfig.ts. */
export const bridgeConfigSchema = sharedConfigSchema.extend({
  /** RabbitMQ the outbox relays publish to, e.g. `amqp://guest:guest@127.0.0.1:5672`. Required. */
  AMQP_URL: z.string().url(),
  /** Redis the routers subscribe to, e.g. `redis://127.0.0.1:6379`. Required. */
  REDIS_URL: z.string().url(),
  /** Topic exchange to consume from; tests pass their own to stay apart from other runs. @default supergraph.events */
  BRIDGE_EXCHANGE: z.string().min(1).default(EVENTS_EXCHANGE),
  /** Durable queue bound to the exchange with `#`; its dead letters go to `<queue>.dead`. @default supergraph.bridge */
  BRIDGE_QUEUE: z.string().min(1).default('supergraph.bridge'),
  /** Unacknowledged messages the broker hands the bridge at once: the back-pressure bound. @default 50 */
  BRIDGE_PREFETCH: z.coerce.number().int().positive().default(50),
  /** Port of `/health` and `/metrics`; 0 picks a free one. @default 4010 */
  BRIDGE_PORT: z.coerce.number().int().min(0).max(65535).default(4010),
  /** @default 127.0.0.1 */
  BRIDGE_HOST: z.string().default('127.0.0.1'),
  /** How long an event id is remembered to drop redeliveries. @default 86400 */
  BRIDGE_DEDUPE_TTL_SECONDS: z.coerce.number().int().positive().default(86_400),
  /** Redis key prefix of the remembered event ids. @default dedupe: */
  BRIDGE_DEDUPE_PREFIX: z.string().default('dedupe:'),
  /** Prepended to the event type to name the Redis channel; routers must subscribe with the same prefix. @default '' */
  BRIDGE_CHANNEL_PREFIX: z.string().default(''),
  /**
   * How long each event stays in the history of its type (a Redis stream),
   * from which routers replay what they missed while disconnected and
   * clients resume. At most as long as ids are remembered, since an event
   * is found in the history by its remembered id. @default 3600
   */
  BRIDGE_HISTORY_RETENTION_SECONDS: z.coerce.number().int().positive().default(DEFAULT_HISTORY_RETENTION_MS / 1000),
  /** Most events kept in the history of one type whatever their age (trimmed approximately, a little above): the memory bound. @default 100000 */
  BRIDGE_HISTORY_MAX_LENGTH: z.coerce.number().int().positive().default(DEFAULT_HISTORY_MAX_LENGTH),
  /** Attempts at an event whose publish fails for a reason other than Redis being unreachable, before it is dead-lettered. @default 5 */
  BRIDGE_MAX_ATTEMPTS: z.coerce.number().int().positive().default(5),
}).refine((config) => config.BRIDGE_HISTORY_RETENTION_SECONDS <= config.BRIDGE_DEDUPE_TTL_SECONDS, {
  path: ['BRIDGE_HISTORY_RETENTION_SECONDS'],
  message: 'must not exceed BRIDGE_DEDUPE_TTL_SECONDS: an event is found in the history by its remembered id',
});

export type BridgeConfig = z.infer<typeof bridgeConfigSchema>;

export const loadBridgeConfig = (env: NodeJS.ProcessEnv = process.env): BridgeConfig =>
  parseConfig(bridgeConfigSchema, env, 'bridge');
