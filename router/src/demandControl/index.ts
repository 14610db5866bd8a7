export { actualCost } from './actualCost.ts';
export { COST_SPEC, CostDirectives, costDirectivesOf, type ListSize } from './costDirectives.ts';
export { BASE_COST, type OperationToCost } from './costedOperation.ts';
export { costGuard, type CostGuardOptions } from './costGuard.ts';
export { estimateCost, type CostOptions } from './estimateCost.ts';
export { SlicingArgumentError } from './listSize.ts';
