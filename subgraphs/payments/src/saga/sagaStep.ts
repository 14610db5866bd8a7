import type { Logger } from '@supergraph/common';
import type { PaymentsDb, PaymentsTx } from '../db.ts';
import type { PaymentProvider } from '../provider/paymentProvider.ts';

/** What the payments saga step works with. */
export interface SagaStep {
  db: PaymentsDb;
  provider: PaymentProvider;
  /** PAYMENTS_PROVIDER_TIMEOUT_MS. */
  providerTimeoutMs: number;
  logger: Logger;
  /** Runs right after an authorization commits (the crash test hook, PAYMENTS_CRASH_AFTER=authorize). */
  afterAuthorize?: () => void;
}

/**
 * Serializes the transactions about one order (its authorization and its
 * cancellation) until the caller's transaction ends, so neither commits
 * without seeing what the other committed, on any number of payments processes.
 */
export async function lockOrder(tx: PaymentsTx, orderId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${orderId}, 0))`;
}
