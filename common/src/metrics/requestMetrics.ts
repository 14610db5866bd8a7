import type { ApolloServerPlugin, BaseContext, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { Histogram, type Registry } from 'prom-client';
import { BoundedLabel } from './boundedLabel.ts';

/** How a request ended: answered without errors, answered with errors, or refused before it ran (no `data`). */
export type RequestOutcome = 'ok' | 'error' | 'rejected';

/** Seconds; from a cached plan's sub-millisecond answer to the subgraph timeout. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Operations without a name share this label value. */
export const ANONYMOUS_OPERATION = 'anonymous';

/**
 * An Apollo Server plugin recording `graphql_request_duration_seconds` per
 * operation name and outcome. An outcome is `rejected` when the answer has
 * errors and no `data` (GraphQL's request errors: unparseable, invalid, over
 * a limit, refused by a guard): nothing of it ran. Operation names are
 * bounded by `maxOperationNames` (see BoundedLabel); a rejected operation
 * never takes a place.
 */
export function requestMetrics<TContext extends BaseContext>(registry: Registry, maxOperationNames: number): ApolloServerPlugin<TContext> {
  const duration = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'GraphQL requests from arrival to response, by operation name and outcome (ok, error, rejected).',
    labelNames: ['operation_name', 'outcome'] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  const names = new BoundedLabel(maxOperationNames);
  return {
    async requestDidStart() {
      const stopTimer = duration.startTimer();
      return {
        async willSendResponse(context) {
          const outcome = outcomeOf(context);
          const name = context.operationName ?? context.request.operationName ?? ANONYMOUS_OPERATION;
          stopTimer({ operation_name: names.of(name, outcome !== 'rejected'), outcome });
        },
      };
    },
  };
}

function outcomeOf<TContext extends BaseContext>(context: GraphQLRequestContextWillSendResponse<TContext>): RequestOutcome {
  const { body } = context.response;
  // An incremental answer started to stream: it ran.
  if (body.kind !== 'single') return 'ok';
  const { errors, data } = body.singleResult;
  if (!errors?.length) return 'ok';
  return data === undefined ? 'rejected' : 'error';
}
