import { createRequire } from 'node:module';
import path from 'node:path';
import { shapeResponse } from './shapeResponse.ts';

const require = createRequire(import.meta.url);

interface ResultShapingModule {
  computeResponse: unknown;
}

/**
 * `@apollo/gateway`'s result shaping module: the one its `executeQueryPlan`
 * calls through (`resultShaping_1.computeResponse(...)`, looked up on each
 * call), from the copy of the package the router imports.
 */
const gatewayModule = require(path.join(path.dirname(require.resolve('@apollo/gateway')), 'resultShaping.js')) as ResultShapingModule;

/** The gateway's own shaping, kept to compare ours against (tests) and to fall back to. */
export const gatewayComputeResponse = gatewayModule.computeResponse as typeof shapeResponse;

/**
 * Makes the gateway shape its results with `shapeResponse`. The gateway has
 * no option for it, and the rest of `executeQueryPlan` (fetches, merging,
 * errors) stays the gateway's: a fork of it would drift from the query
 * planner it was written with. A test fails if this no longer takes effect
 * (a gateway release that moves the module), so an upgrade cannot silently
 * lose it; the gateway then keeps its own shaping, which gives the same
 * results.
 */
export function useOwnResultShaping(): boolean {
  if (typeof gatewayModule.computeResponse !== 'function') return false;
  gatewayModule.computeResponse = shapeResponse;
  return true;
}

/** Whether the gateway shapes results with `shapeResponse` now. */
export function shapesOwnResults(): boolean {
  return gatewayModule.computeResponse === shapeResponse;
}
