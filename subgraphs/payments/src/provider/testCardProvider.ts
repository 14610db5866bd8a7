import type { Authorization, PaymentProvider } from './paymentProvider.ts';

/**
 * The test tokens this provider knows, like a card processor's test mode.
 * Any other method is declined as CARD_DECLINED: there is no real card here.
 */
export const TEST_PAYMENT_METHODS = {
  /** Authorized. */
  ok: 'pm_card_ok',
  /** Declined: CARD_DECLINED. */
  declined: 'pm_card_declined',
  /** Declined: INSUFFICIENT_FUNDS. */
  insufficientFunds: 'pm_card_insufficient_funds',
  /** Never answers: the authorization times out (PAYMENTS_PROVIDER_TIMEOUT_MS). */
  timeout: 'pm_card_timeout',
} as const;

/**
 * The provider used where no real one is configured. Its answers depend only
 * on the method and the key, so it is idempotent by construction: asked
 * again after a crash, it gives the same reference and charges nothing more.
 */
export const testCardProvider: PaymentProvider = {
  async authorize({ idempotencyKey, method }, signal): Promise<Authorization> {
    switch (method) {
      case TEST_PAYMENT_METHODS.ok:
        return { outcome: 'authorized', reference: `auth_${idempotencyKey}` };
      case TEST_PAYMENT_METHODS.insufficientFunds:
        return { outcome: 'declined', reason: 'INSUFFICIENT_FUNDS' };
      case TEST_PAYMENT_METHODS.timeout:
        return neverAnswered(signal);
      default:
        return { outcome: 'declined', reason: 'CARD_DECLINED' };
    }
  },

  async release() {},
};

/** What a processor that never answers looks like from here: the call ends when the caller gives up. */
function neverAnswered(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    const fail = () => reject(signal.reason instanceof Error ? signal.reason : new Error('The payment provider did not answer.'));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}
