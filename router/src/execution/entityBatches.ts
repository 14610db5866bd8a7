import type { GraphQLFormattedError } from 'graphql';

/** What a subgraph answered, as the gateway's data sources give it. */
export interface SubgraphAnswer {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
  extensions?: Record<string, unknown>;
}

interface Part {
  representations: unknown[];
  resolve(answer: SubgraphAnswer): void;
  reject(error: unknown): void;
}

interface Batch {
  variables: Record<string, unknown>;
  send: (variables: Record<string, unknown>) => Promise<SubgraphAnswer>;
  parts: Part[];
}

/**
 * Entity fetches of one operation that start together and ask one subgraph
 * the same (same `_entities` selection, same other variables) go out as one
 * request with all their representations, and each gets its share of the
 * answer back. A query plan often has such fetches side by side: the same
 * fields of products found at two places in the response, each in its own
 * branch of a Parallel node. Hive Gateway batches them the same way; one
 * request instead of several saves the subgraph and the router a round
 * trip each.
 *
 * "Together" is DataLoader's window: every fetch started before the
 * process's next tick, which covers sibling branches and the fetches that
 * follow fetches answered by one batch. DataLoader itself maps one key to
 * one value; here a batch is whole fetches, and the subgraph's errors are
 * split by entity index, those naming no entity going to every fetch (each
 * fetch would have had them on its own).
 *
 * One instance per operation run: requests of different callers carry
 * different credentials and never share a batch.
 */
export class EntityBatches {
  private readonly open = new Map<string, Batch>();

  fetch(key: string, variables: Record<string, unknown>, representations: unknown[], send: Batch['send']): Promise<SubgraphAnswer> {
    let batch = this.open.get(key);
    if (!batch) {
      const started: Batch = { variables, send, parts: [] };
      this.open.set(key, (batch = started));
      process.nextTick(() => {
        this.open.delete(key);
        void dispatch(started);
      });
    }
    const parts = batch.parts;
    return new Promise((resolve, reject) => parts.push({ representations, resolve, reject }));
  }
}

/**
 * Sends a batch and gives each fetch its share. Never rejects: whatever goes
 * wrong (a data source that throws before returning a promise, or answers
 * something that is not an answer) rejects the fetches still waiting, as it
 * would have failed each alone, instead of leaving them pending forever.
 */
async function dispatch({ variables, send, parts }: Batch): Promise<void> {
  let resolved = 0;
  try {
    if (parts.length === 1) {
      const answer = await send({ ...variables, representations: parts[0]!.representations });
      resolved = 1;
      parts[0]!.resolve(answer);
      return;
    }
    const representations = parts.flatMap((part) => part.representations);
    const answer = await send({ ...variables, representations });
    if (answer === null || typeof answer !== 'object') {
      // No answer at all: each fetch fails on it as it would have alone.
      for (; resolved < parts.length; resolved++) parts[resolved]!.resolve(answer);
      return;
    }
    const entities = answer.data?._entities;
    // A list of another length is no one's share: each fetch finds it wrong, as it would have alone.
    const split = Array.isArray(entities) && entities.length === representations.length;
    const shares: SubgraphAnswer[] = [];
    let offset = 0;
    for (const part of parts) {
      const end = offset + part.representations.length;
      const data = answer.data && split ? { ...answer.data, _entities: (entities as unknown[]).slice(offset, end) } : answer.data;
      // Errors that are not a list are no one's share either: each fetch fails on them as it would have alone.
      const errors = Array.isArray(answer.errors) ? errorsBetween(answer.errors, offset, end, representations.length) : answer.errors;
      shares.push({ data, errors, extensions: answer.extensions });
      offset = end;
    }
    for (; resolved < parts.length; resolved++) parts[resolved]!.resolve(shares[resolved]!);
  } catch (error) {
    for (; resolved < parts.length; resolved++) parts[resolved]!.reject(error);
  }
}

/**
 * The errors of entities `from` to `to` (re-indexed from 0), and those that
 * name no entity of the batch (no `_entities` index, or one that is not an
 * integer below `total`): each fetch would have had those alone.
 */
function errorsBetween(errors: readonly GraphQLFormattedError[], from: number, to: number, total: number): GraphQLFormattedError[] | undefined {
  const share: GraphQLFormattedError[] = [];
  for (const error of errors) {
    // An error that is not an object names no entity: each fetch fails on it as it would have alone.
    const index = error?.path?.[1];
    if (error?.path?.[0] !== '_entities' || !Number.isInteger(index) || (index as number) < 0 || (index as number) >= total) share.push(error);
    else if ((index as number) >= from && (index as number) < to) share.push({ ...error, path: ['_entities', (index as number) - from, ...error.path.slice(2)] });
  }
  return share.length ? share : undefined;
}
