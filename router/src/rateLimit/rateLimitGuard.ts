import type { GraphQLError } from 'graphql';
import { appError, type Logger } from '@supergraph/common';
import type { RouterConfig } from '../config.ts';
import type { GuardedOperation, OperationGuard } from '../guardedGateway.ts';
import type { LinkedDirectives } from '../supergraph/linkedDirectives.ts';
import { countFieldCalls } from './countFieldCalls.ts';
import { FieldRateLimits } from './fieldRateLimits.ts';
import type { Limit, LimiterStore, Outcome } from './limiterStore.ts';

type Settings = Pick<RouterConfig, 'RATE_LIMIT_IP_OPERATIONS' | 'RATE_LIMIT_USER_OPERATIONS' | 'RATE_LIMIT_WINDOW_SECONDS' | 'RATE_LIMIT_FIELD_MULTIPLIER'>;

/** Points to add to one counter, and what to call it when it refuses. */
interface Charge {
  limit: Limit;
  key: string;
  points: number;
  what: string;
}

/**
 * Rate limits, checked before the gateway plans an operation, over HTTP and
 * WebSockets alike (subscriptions when they start): operations per client
 * address and per signed-in user (the router's settings), and calls of the
 * fields the schema limits with `@rateLimit`. Every limit is charged for
 * every operation, refused ones included, so a client that keeps trying
 * stays refused; a refused operation runs nothing. Operations resolving a
 * subscription event are the subscriber's subscription, admitted once when
 * it started: they are not charged.
 */
export function rateLimitGuard(store: LimiterStore, settings: Settings, logger: Logger): OperationGuard {
  const ipLimit = { limit: settings.RATE_LIMIT_IP_OPERATIONS, windowSeconds: settings.RATE_LIMIT_WINDOW_SECONDS };
  const userLimit = { limit: settings.RATE_LIMIT_USER_OPERATIONS, windowSeconds: settings.RATE_LIMIT_WINDOW_SECONDS };
  // The supergraph's rules, read once per (re)load.
  const fieldLimits = new WeakMap<LinkedDirectives, FieldRateLimits>();
  const fieldLimitsOf = (supergraph: LinkedDirectives) => {
    let limits = fieldLimits.get(supergraph);
    if (!limits) {
      limits = new FieldRateLimits(supergraph, settings.RATE_LIMIT_FIELD_MULTIPLIER);
      for (const { problem } of limits.problems) logger.error(`${problem}; the field is refused until a supergraph fixes it`);
      fieldLimits.set(supergraph, limits);
    }
    return limits;
  };

  return {
    countsCallers: true,
    async check({ document, operationName, variables, context, supergraph, apiSchema }: GuardedOperation) {
      if (context.event) return undefined;
      const userId = context.viewer?.userId ?? null;
      const { calls, broken } = countFieldCalls(fieldLimitsOf(supergraph), apiSchema, document, operationName, variables, { clientAddress: context.clientAddress, userId });
      // A limit the router cannot enforce must not turn into no limit.
      if (broken.length) return broken.map(({ coordinate }) => appError('INTERNAL_SERVER_ERROR', `${coordinate} has a rate limit the router cannot enforce.`, { details: { http: { status: 500 } } }));

      const charges: Charge[] = [
        { limit: ipLimit, key: `op:ip:${context.clientAddress}`, points: 1, what: 'operations from this address' },
        ...(userId ? [{ limit: userLimit, key: `op:user:${userId}`, points: 1, what: 'operations by this user' }] : []),
        ...calls.map(({ rule, key, points }) => ({ limit: rule, key, points, what: `calls of ${rule.coordinate}` })),
      ];
      const outcomes = await Promise.all(charges.map((charge) => store.consume(charge.limit, charge.key, charge.points)));
      const refusal = longestRefusal(charges, outcomes);
      if (refusal) {
        context.logger.debug({ key: refusal.charge.key, clientAddress: context.clientAddress, userId }, 'rate limited');
        return [rateLimited(refusal.charge.what, refusal.retryAfterMs)];
      }
      if (outcomes.some((outcome) => outcome.allowed === 'unknown')) return [limitsUnavailable()];
      return undefined;
    },
  };
}

/** The refusal that lasts longest: retrying sooner would only be refused again. */
function longestRefusal(charges: Charge[], outcomes: Outcome[]): { charge: Charge; retryAfterMs: number } | undefined {
  let longest: { charge: Charge; retryAfterMs: number } | undefined;
  outcomes.forEach((outcome, index) => {
    if (outcome.allowed === false && (!longest || outcome.retryAfterMs > longest.retryAfterMs)) longest = { charge: charges[index]!, retryAfterMs: outcome.retryAfterMs };
  });
  return longest;
}

/** RATE_LIMITED with `retryAfter` in whole seconds (at least 1); over HTTP, 429 and `Retry-After`. */
export function rateLimited(what: string, retryAfterMs: number): GraphQLError {
  const retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return appError('RATE_LIMITED', `Too many ${what}: retry in ${retryAfter} s.`, {
    details: { retryAfter, http: { status: 429, headers: { 'Retry-After': String(retryAfter) } } },
  });
}

/** RATE_LIMIT_REDIS_FAILURE=closed while Redis is unreachable. */
function limitsUnavailable(): GraphQLError {
  return appError('SERVICE_UNAVAILABLE', 'Rate limits cannot be checked right now; retry shortly.', {
    details: { retryAfter: 1, http: { status: 503, headers: { 'Retry-After': '1' } } },
  });
}
