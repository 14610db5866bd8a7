/** Anything that emits Prisma query events: every subgraph's client does. */
interface QueryEmitter {
  $on(event: 'query', listener: (event: { query: string }) => void): void;
}

/** Counts SQL statements a Prisma client sends, between `reset()` calls. */
export function countQueries(db: QueryEmitter) {
  const seen: string[] = [];
  db.$on('query', (event) => {
    // Transaction bookkeeping is not a data query.
    if (!/^(BEGIN|COMMIT|ROLLBACK)/i.test(event.query)) seen.push(event.query);
  });
  return {
    get count() {
      return seen.length;
    },
    get statements() {
      return [...seen];
    },
    reset() {
      seen.length = 0;
    },
  };
}
