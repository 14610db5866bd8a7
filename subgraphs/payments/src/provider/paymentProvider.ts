/** Why a provider refused an authorization; the SDL's `PaymentDeclineReason`. */
export type DeclineReason = 'CARD_DECLINED' | 'INSUFFICIENT_FUNDS';

export type Authorization = { outcome: 'authorized'; reference: string } | { outcome: 'declined'; reason: DeclineReason };

/**
 * Where a real card processor plugs in. Both calls must be idempotent by
 * `idempotencyKey`, as processors' APIs are: the saga calls the provider
 * before it commits, so a crash in between makes it call again with the same
 * key after the restart, and the answer must be the first one, with nothing
 * charged or refunded twice. A call that does not settle before `signal`
 * aborts must reject.
 */
export interface PaymentProvider {
  authorize(request: { idempotencyKey: string; amountCents: number; method: string }, signal: AbortSignal): Promise<Authorization>;
  /**
   * Gives an authorization back (a void before capture, a refund after): the
   * customer is not charged. `reference` is null for an authorization the
   * provider never answered: it is voided by its idempotency key.
   */
  release(request: { idempotencyKey: string; reference: string | null; amountCents: number }, signal: AbortSignal): Promise<void>;
}
