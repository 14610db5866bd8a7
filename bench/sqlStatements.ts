/**
 * SQL statements the subgraphs have sent to PostgreSQL so far, all together:
 * the sum of `db_statements_total` on each one's `/metrics` (next to its
 * `/graphql`).
 */
export async function sqlStatementsSoFar(graphqlUrls: string[]): Promise<number> {
  const counts = await Promise.all(
    graphqlUrls.map(async (url) => {
      const metricsUrl = url.replace(/\/graphql$/, '/metrics');
      const response = await fetch(metricsUrl);
      if (!response.ok) throw new Error(`${metricsUrl} answered ${response.status}: the subgraphs must serve their metrics (METRICS_ENABLED)`);
      const samples = (await response.text()).split('\n').filter((line) => /^db_statements_total[ {]/.test(line));
      if (samples.length === 0) throw new Error(`${metricsUrl} has no db_statements_total`);
      return samples.reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    }),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}
