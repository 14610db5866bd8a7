/**
 * The Hive Gateway contender of `npm run bench:router` with its two
 * throughput options on, loaded by the hive-gateway CLI (`--config-path`),
 * never by our code: a plain object, since @graphql-hive/gateway is installed
 * only in bench/.hive-gateway and its `defineConfig` is an identity function.
 * Deduplicating the gateway's own subgraph requests
 * (`transportEntries['*.http'].options.deduplicateInflightRequests`) is on by
 * default in 2.15 and stays on.
 */
export const gatewayConfig = {
  /** Identical client requests in flight at once are executed once and share the answer. @default false */
  inboundInflightRequestDeduplication: true,
  /** graphql-jit compiles each document (@graphql-mesh/plugin-jit). @default false */
  jit: true,
};
