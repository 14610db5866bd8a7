import { createRequire } from 'node:module';
import path from 'node:path';
import type { executeQueryPlan } from '@apollo/gateway';
import type { Span, Tracer } from '@opentelemetry/api';
import type { GraphQLSchema } from 'graphql';
import type { shapeResponse } from './shapeResponse.ts';

/**
 * The modules of `@apollo/gateway` that plan execution uses and its index
 * does not export, from the copy of the package the router imports. The
 * router's own execution (executePlan.ts) calls the gateway's helpers for
 * what it does not do differently (`@interfaceObject` and
 * `@fromContext` rewrites, tracing), so it keeps the gateway's behaviour
 * there by construction. A test fails when a gateway release moves them.
 */
const require = createRequire(import.meta.url);
const dist = path.dirname(require.resolve('@apollo/gateway'));
const load = <T>(module: string): T => require(path.join(dist, module)) as T;

export const executeQueryPlanModule = load<{ executeQueryPlan: typeof executeQueryPlan }>('executeQueryPlan.js');

/** The gateway's own plan execution, kept to fall back to (usage-reporting traces) and to compare ours against. */
export const gatewayExecuteQueryPlan = executeQueryPlanModule.executeQueryPlan;

/** The gateway's own result shaping, kept to compare ours against. */
export const gatewayComputeResponse = load<{ computeResponse: typeof shapeResponse }>('resultShaping.js').computeResponse;

export type Rewrites = unknown[] | undefined;

export const { applyRewrites, isObjectOfType } = load<{
  applyRewrites(schema: GraphQLSchema, rewrites: Rewrites, value: unknown): void;
  isObjectOfType(schema: GraphQLSchema, value: Record<string, unknown>, typeCondition: string): boolean;
}>('dataRewrites.js');

export interface TelemetryConfig {
  recordExceptions?: boolean | number;
}

export const { tracer, recordExceptions, OpenTelemetrySpanNames } = load<{
  tracer: Tracer;
  recordExceptions(span: Span, exceptions: readonly unknown[], config: TelemetryConfig | undefined): void;
  OpenTelemetrySpanNames: { FETCH: string; POST_PROCESSING: string; EXECUTE: string };
}>('utilities/opentelemetry.js');

/** Where in the response each entity of a fetch with `requires` went (error paths of `_entities`). */
export const generateHydratedPaths = (executeQueryPlanModule as unknown as {
  generateHydratedPaths(parent: (string | number)[], path: (string | number)[], data: unknown, result: (string | number)[][]): void;
}).generateHydratedPaths;
