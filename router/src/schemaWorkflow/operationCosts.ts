import { NoUnusedFragmentsRule, specifiedRules, validate } from 'graphql';
import { estimateCost, SlicingArgumentError, type CostOptions } from '../demandControl/index.ts';
import { LinkedDirectives } from '../supergraph/linkedDirectives.ts';
import { apiSchemaOf } from './apiSchemaOf.ts';
import type { KnownOperation } from './loadKnownOperations.ts';

export interface OperationCost {
  name: string;
  source: string;
  /** Undefined when the operation cannot be costed (see `errors`). */
  estimated: number | undefined;
  /** Within the limit, and valid. */
  ok: boolean;
  /** Why the operation cannot run: it does not validate, or a slicing argument is missing. */
  errors: string[];
}

export interface CostLimits extends CostOptions {
  limit: number;
}

// Each operation comes with all of its document's fragments, some of which another operation uses.
const rules = specifiedRules.filter((rule) => rule !== NoUnusedFragmentsRule);

/**
 * The estimated cost of client operations against a supergraph, as the
 * router would estimate them before running them. The operations carry no
 * variables: a variable is taken as not given, so a slicing argument falls
 * back to its default, then `assumedSize`, then the default list size, and
 * `@skip`/`@include` on a variable keep their selection. The router also
 * removes what the caller may not read before estimating; this counts
 * everything, so it is the dearest the operation can be.
 */
export function operationCosts(supergraphSdl: string, operations: KnownOperation[], limits: CostLimits): OperationCost[] {
  const supergraph = new LinkedDirectives(supergraphSdl);
  const apiSchema = apiSchemaOf(supergraphSdl);
  return operations.map(({ name, source, document }) => {
    const invalid = validate(apiSchema, document, rules);
    if (invalid.length) return { name, source, estimated: undefined, ok: false, errors: invalid.map((error) => error.message) };
    try {
      const estimated = estimateCost(supergraph, { document }, limits);
      return { name, source, estimated, ok: estimated <= limits.limit, errors: [] };
    } catch (error) {
      if (!(error instanceof SlicingArgumentError)) throw error;
      return { name, source, estimated: undefined, ok: false, errors: [error.message] };
    }
  });
}
