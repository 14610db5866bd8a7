import { inject } from 'vitest';
import type { RunningServer } from '@supergraph/common';
import { loadNotesConfig, startNotesSubgraph } from '@supergraph/notes';
import { loadOrdersConfig, startOrdersSubgraph } from '@supergraph/orders';
import { loadUsersConfig, startUsersSubgraph } from '@supergraph/users';
import { createTestDatabase, urlVariable, type SubgraphName } from './postgres.ts';

const starters = {
  users: (env: NodeJS.ProcessEnv) => startUsersSubgraph(loadUsersConfig(env)),
  notes: (env: NodeJS.ProcessEnv) => startNotesSubgraph(loadNotesConfig(env)),
  orders: (env: NodeJS.ProcessEnv) => startOrdersSubgraph(loadOrdersConfig(env)),
};

export type StartedSubgraph<N extends SubgraphName> = Awaited<ReturnType<(typeof starters)[N]>> & RunningServer;

/**
 * Starts a subgraph on a free port over its own fresh copy of the migrated
 * template database; `stop()` shuts it down and drops the database.
 */
export async function startSubgraphForTest<N extends SubgraphName>(name: N): Promise<StartedSubgraph<N>> {
  const database = await createTestDatabase(inject('templates')[name]);
  const env = { ...process.env, [urlVariable(name)]: database.url, [`${name.toUpperCase()}_PORT`]: '0' };
  const subgraph = (await starters[name](env)) as StartedSubgraph<N>;
  return {
    ...subgraph,
    stop: async () => {
      await subgraph.stop();
      await database.drop();
    },
  };
}
