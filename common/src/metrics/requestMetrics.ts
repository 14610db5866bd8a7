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
 * never takes a place. A request that took the answer of an identical one
 * (identicalRequests.ts) never reaches Apollo; `recordJoined` counts it
 * under the labels its leader got.
 */
export function requestMetrics<TContext extends BaseContext>(registry: Registry, maxOperationNames: number): RequestMetrics<TContext> {
  const duration = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'GraphQL requests from arrival to response, by operation name and outcome (ok, error, rejected).',
    labelNames: ['operation_name', 'outcome'] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  const names = new BoundedLabel(maxOperationNames);
  return {
    plugin: {
      async requestDidStart() {
        const stopTimer = duration.startTimer();
        return {
          async willSendResponse(context) {
            const outcome = outcomeOf(context);
            const name = context.operationName ?? context.request.operationName ?? ANONYMOUS_OPERATION;
            const labels = { operation_name: names.of(name, outcome !== 'rejected'), outcome };
            const slot = (context.contextValue as Partial<Record<typeof LABELS, LabelSlot>>)[LABELS];
            if (slot) slot.labels = labels;
            stopTimer(labels);
          },
        };
      },
    },
    recordJoined(leader, startedAt) {
      const labels = (leader as Partial<Record<typeof LABELS, LabelSlot>>)[LABELS]?.labels;
      if (labels) duration.observe(labels, Number(process.hrtime.bigint() - startedAt) / 1e9);
    },
  };
}

type Labels = { operation_name: string; outcome: RequestOutcome };
type LabelSlot = { labels?: Labels };

/**
 * Where a request's labels are left for the requests that take its answer.
 * Apollo runs each operation on a shallow copy of the context it was given,
 * so the slot is an object the copy shares, made on the original.
 */
const LABELS = Symbol('graphql request labels');

/** Gives `context` a slot for its labels: the context of a request others may join. */
export function withLabelSlot<TContext extends BaseContext>(context: TContext): TContext {
  return Object.assign(context, { [LABELS]: {} satisfies LabelSlot });
}

export interface RequestMetrics<TContext extends BaseContext> {
  plugin: ApolloServerPlugin<TContext>;
  /** Records a request that took the answer of the one whose context is `leader` (given a slot), from `startedAt` (process.hrtime.bigint()). */
  recordJoined(leader: TContext, startedAt: bigint): void;
}

function outcomeOf<TContext extends BaseContext>(context: GraphQLRequestContextWillSendResponse<TContext>): RequestOutcome {
  const { body } = context.response;
  // An incremental answer started to stream: it ran.
  if (body.kind !== 'single') return 'ok';
  const { errors, data } = body.singleResult;
  if (!errors?.length) return 'ok';
  return data === undefined ? 'rejected' : 'error';
}
