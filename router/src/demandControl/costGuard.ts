import { GraphQLError } from 'graphql';
import { appError } from '@supergraph/common';
import type { GuardedOperation, OperationGuard } from '../guardedGateway.ts';
import { actualCost } from './actualCost.ts';
import { estimateCost, type CostOptions } from './estimateCost.ts';
import { SlicingArgumentError } from './listSize.ts';

export interface CostGuardOptions extends CostOptions {
  /** Operations estimated to cost more are refused (COST_LIMIT). */
  limit: number;
  /** Whether results carry `extensions.cost` (COST_EXTENSIONS). */
  exposeCost: boolean;
}

/**
 * Demand control: estimates every operation's cost from the supergraph's
 * `@cost` and `@listSize` (estimateCost) before the gateway plans it, and
 * refuses one over the limit with COST_ESTIMATED_TOO_EXPENSIVE (HTTP 400),
 * so no subgraph is ever asked. The estimate is of what the caller may run:
 * fields authorization removed cost nothing. A subscription is estimated
 * when it starts, and each event's lookup is checked again on its way
 * through the executor. Results can report `{ estimated, actual, limit }`
 * in `extensions.cost`, so clients and operators can see how the estimate
 * compares with what came back.
 */
export function costGuard(options: CostGuardOptions): OperationGuard {
  const { limit } = options;
  const estimates = new WeakMap<GuardedOperation, number>();

  return {
    check(operation) {
      let estimated: number;
      try {
        estimated = estimateCost(operation.supergraph, operation, options);
      } catch (error) {
        if (!(error instanceof SlicingArgumentError)) throw error;
        return [new GraphQLError(error.message, { nodes: [error.node], extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } })];
      }
      estimates.set(operation, estimated);
      if (estimated <= limit) return undefined;
      operation.context.logger.info({ cost: { estimated, limit }, operationName: operation.operationName }, 'refused an operation over the cost limit');
      return [
        appError(
          'COST_ESTIMATED_TOO_EXPENSIVE',
          `The operation's estimated cost is ${estimated}, over the limit of ${limit}. Ask for fewer items (a smaller \`first\`) or fewer nested lists.`,
          { details: { cost: { estimated, limit }, http: { status: 400 } } },
        ),
      ];
    },

    report(operation, result) {
      if (!options.exposeCost) return undefined;
      const estimated = estimates.get(operation) ?? estimateCost(operation.supergraph, operation, options);
      return { cost: { estimated, actual: actualCost(operation.supergraph, operation, result.data), limit } };
    },
  };
}
