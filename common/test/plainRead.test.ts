import { expect, it } from 'vitest';
import { isPlainRead } from '../src/plainRead.ts';

it.each<[string, string, boolean]>([
  ['a SELECT', 'SELECT 1', true],
  ['a SELECT with leading space and lower case', '  select * from "Note"', true],
  ['a WITH that only reads', 'WITH recent AS (SELECT * FROM "Note") SELECT count(*) FROM recent', true],
  ['a recursive WITH', 'with recursive r(n) as (select 1 union all select n + 1 from r where n < 3) select * from r', true],
  ['an INSERT', 'INSERT INTO "Note" ("id") VALUES ($1)', false],
  ['an UPDATE', 'UPDATE "Note" SET "title" = $1', false],
  ['a data-modifying WITH (the outbox append)', 'WITH appended AS (INSERT INTO "OutboxEvent" ("id") SELECT $1) SELECT pg_notify($2, \'\')', false],
  ['a WITH that deletes', 'WITH gone AS (DELETE FROM "Note" RETURNING *) SELECT count(*) FROM gone', false],
  ['a WITH that merges', 'with m as (merge into t using s on t.id = s.id when matched then do nothing) select 1', false],
  ['BEGIN', 'BEGIN', false],
])('%s is retried after a lost connection only if it only reads (%s)', (_what, text, read) => {
  expect(isPlainRead(text)).toBe(read);
});
