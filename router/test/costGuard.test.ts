import { parse, type ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@supergraph/common';
import { AccessRules } from '../src/authorization/accessRules.ts';
import type { GuardedOperation } from '../src/guardedGateway.ts';
import { costGuard } from '../src/demandControl/index.ts';
import { BOOKSHOP, supergraphOf } from './costFixtures.ts';

const shop = supergraphOf(BOOKSHOP);

const operation = (query: string): GuardedOperation => ({
  document: parse(query),
  operationName: null,
  variables: {},
  context: { viewer: null, scopes: new Set(), clientAddress: '127.0.0.1', authorization: undefined, requestId: 'test', logger: createLogger('test', 'silent') },
  supergraph: shop,
  rules: new AccessRules(shop),
  apiSchema: shop.schema,
});

describe('costGuard', () => {
  const guard = costGuard({ limit: 10, defaultListSize: 50, exposeCost: true });

  it('lets an operation within the limit through and reports its estimated and actual cost', async () => {
    const within = operation('{ bestsellers { title } }');
    expect(await guard.check!(within)).toBeUndefined();
    const result: ExecutionResult = { data: { bestsellers: [{ title: 'a' }] } };
    expect(guard.report!(within, result)).toEqual({ cost: { estimated: 5, actual: 1, limit: 10 } });
  });

  it('lets an operation at the limit through and refuses one over it with COST_ESTIMATED_TOO_EXPENSIVE, its estimate and HTTP 400', async () => {
    // 5 bestsellers x (book 1 + author 1), one over the limit
    expect(await guard.check!(operation('{ bestsellers { author { name } } }'))).toBeUndefined();
    const [error, ...more] = (await guard.check!(operation('{ bestsellers { author { name } } __typename book(id: "1") { id } }')))!;
    expect(more).toEqual([]);
    expect(error!.message).toBe("The operation's estimated cost is 11, over the limit of 10. Ask for fewer items (a smaller `first`) or fewer nested lists.");
    expect(error!.extensions).toEqual({ code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: { estimated: 11, limit: 10 }, http: { status: 400 } });
  });

  it('refuses a missing slicing argument as a validation failure', async () => {
    const [error] = (await guard.check!(operation('{ reviews { stars } }')))!;
    expect(error!.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED' });
  });

  it('reports nothing when cost is not exposed', () => {
    const quiet = costGuard({ limit: 10, defaultListSize: 50, exposeCost: false });
    expect(quiet.report!(operation('{ bestsellers { title } }'), { data: null })).toBeUndefined();
  });
});
