import type { GuardedOperation } from '../guardedGateway.ts';

/**
 * For one HTTP request: whether identical requests in flight may take its
 * answer (common/identicalRequests.ts). The guard decides when it has
 * admitted or refused the operation: an admitted query may be shared, each
 * joiner passing the guards that count callers with `operation`; anything
 * else may not, and its joiners run on their own at once.
 */
export class FrontDoorDecision {
  /** The query admitted, once it is. */
  operation: GuardedOperation | undefined;
  readonly decided: Promise<boolean>;
  private settle!: (shared: boolean) => void;

  constructor() {
    this.decided = new Promise((resolve) => (this.settle = resolve));
  }

  admit(operation: GuardedOperation): void {
    this.operation = operation;
    this.settle(true);
  }

  refuse(): void {
    this.settle(false);
  }
}
