import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../../test/kit/graphql.ts';
import { scrapeMetrics } from '../../../test/kit/prometheus.ts';
import { countQueries } from '../../../test/kit/queryCounter.ts';
import { startSubgraphForTest, type StartedSubgraph } from '../../../test/kit/subgraphs.ts';
import { tokenFor } from '../../../test/kit/tokens.ts';
import { alice } from './fixtures.ts';

let notes: StartedSubgraph<'notes'>;
let statements: ReturnType<typeof countQueries>;
beforeAll(async () => {
  notes = await startSubgraphForTest('notes', { env: { READINESS_CACHE_MS: '0' } });
  statements = countQueries(notes.db);
});
afterAll(() => notes?.stop());

const counted = async () => (await scrapeMetrics(notes.url)).value('db_statements_total', { service: 'notes' });

describe('db_statements_total', () => {
  it('counts every data statement a mutation sends, its outbox row included, as the N+1 tests do', async () => {
    const token = await tokenFor(alice.id);
    const before = await counted();
    statements.reset();
    const created = await graphql(notes.url, 'mutation { createNote(input: { title: "counted", content: "." }) { id title } }', {}, { token });
    expect(created.errors).toBeUndefined();
    expect(statements.statements.some((sql) => sql.includes('"OutboxEvent"'))).toBe(true);
    expect(await counted()).toBe(before + statements.count);
  });

  it('counts a query by its statements and leaves readiness probes out', async () => {
    const token = await tokenFor(alice.id);
    const before = await counted();
    statements.reset();
    const read = await graphql(notes.url, '{ notes(first: 5) { totalCount edges { node { title tags { name } } } } }', {}, { token });
    expect(read.errors).toBeUndefined();
    const sent = statements.count;
    expect(sent).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) expect((await fetch(notes.url.replace(/\/graphql$/, '/health/ready'))).status).toBe(200);
    expect(await counted()).toBe(before + sent);
  });
});
