import type { Logger, Viewer } from '@supergraph/common';
import type { FrontDoorDecision } from './deduplication/frontDoorDecision.ts';

export interface RouterContext {
  /** Verified at the router; subgraphs verify the forwarded header again. */
  viewer: Viewer;
  /** The token's `scope` claim, checked against the schema's `@requiresScopes`. */
  scopes: ReadonlySet<string>;
  authorization: string | undefined;
  /**
   * The client's address, as rate limits count it: the TCP peer, or an
   * `X-Forwarded-For` entry when TRUSTED_PROXY_HOPS says proxies add them
   * (see rateLimit/clientAddress.ts).
   */
  clientAddress: string;
  requestId: string;
  logger: Logger;
  /**
   * Set when the operation resolves a subscription event for a subscriber:
   * it was admitted when the subscription started, so per-request limits
   * (rate limits) do not count it again.
   */
  event?: { id: string };
  /** Set on HTTP requests: whether identical requests in flight may take this one's answer. */
  frontDoor?: FrontDoorDecision;
}
