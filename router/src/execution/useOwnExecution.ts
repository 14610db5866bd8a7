import { executePlan } from './executePlan.ts';
import { executeQueryPlanModule } from './gatewayInternals.ts';

/**
 * Makes `@apollo/gateway` run its query plans with `executePlan`. The
 * gateway has no option for it; its executor calls `executeQueryPlan`
 * through its module's exports on each request, so replacing that export
 * is enough, and planning, validation and the plan cache stay the
 * gateway's. Returns false when the gateway's layout changed (a test then
 * fails): the gateway keeps its own execution, which gives the same results.
 */
export function useOwnExecution(): boolean {
  if (typeof executeQueryPlanModule.executeQueryPlan !== 'function') return false;
  executeQueryPlanModule.executeQueryPlan = executePlan as typeof executeQueryPlanModule.executeQueryPlan;
  return true;
}

/** Whether the gateway runs its plans with `executePlan` now. */
export function executesOwnPlans(): boolean {
  return executeQueryPlanModule.executeQueryPlan === (executePlan as unknown);
}
