import path from 'node:path';
import { parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { composeSupergraph, loadSupergraphConfig } from '../src/index.ts';
import { routerConfigSchema } from '../src/config.ts';
import { estimateCost } from '../src/demandControl/index.ts';
import { loadKnownOperations, operationCosts } from '../src/schemaWorkflow/index.ts';
import { LinkedDirectives } from '../src/supergraph/linkedDirectives.ts';
import { DASHBOARD, OVER_THE_LIMIT } from '../../test/kit/costQueries.ts';

const repo = path.resolve(import.meta.dirname, '../..');
// The router's defaults, as a router started without COST_* settings has them.
const limits = {
  limit: routerConfigSchema.shape.COST_LIMIT.parse(undefined),
  defaultListSize: routerConfigSchema.shape.COST_DEFAULT_LIST_SIZE.parse(undefined),
};

let supergraphSdl: string;

beforeAll(async () => {
  ({ supergraphSdl } = await composeSupergraph(await loadSupergraphConfig(path.join(repo, 'supergraph.yaml'))));
});

describe('the default cost limit', () => {
  it('lets every known client operation through, at the costs pinned here', async () => {
    const operations = await loadKnownOperations(['operations', 'examples/operations', 'docs/example-query.graphql'].map((entry) => path.join(repo, entry)));
    const costs = operationCosts(supergraphSdl, operations, limits);
    expect(costs.filter((cost) => !cost.ok)).toEqual([]);
    // A change of weights or list sizes in the SDL shows here, operation by operation.
    expect(Object.fromEntries(costs.map((cost) => [cost.name, cost.estimated]))).toEqual({
      MyNotesAndOrders: 375,
      ExampleLogIn: 62,
      ExampleMyNotes: 442,
      ExampleCreateNote: 21,
      ExampleNoteCreated: 2,
    });
  });

  it("lets the dashboard through and refuses a hundred users' hundred notes and orders", () => {
    const supergraph = new LinkedDirectives(supergraphSdl);
    const estimate = (query: string) => estimateCost(supergraph, { document: parse(query) }, limits);
    expect(limits.limit).toBe(10_000);
    // users (1) + 10 x (edge 1 + user 1 + notes (1 + 5 x (2 + 20 tags)) + orders (1 + 5 x (2 + 50 items x (item 1 + product 1))))
    expect(estimate(DASHBOARD)).toBe(6241);
    // users (1) + 100 x (edge 1 + user 1 + notes (1 + 100 x 2) + orders (1 + 100 x 2))
    expect(estimate(OVER_THE_LIMIT)).toBe(40401);
  });
});
