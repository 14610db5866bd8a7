import type { Logger, Viewer } from '@supergraph/common';

export interface RouterContext {
  /** Verified at the router; subgraphs verify the forwarded header again. */
  viewer: Viewer;
  authorization: string | undefined;
  requestId: string;
  logger: Logger;
}
