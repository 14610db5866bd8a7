/**
 * Counters the subgraphs have reached so far, each summed over every
 * subgraph and every series of it: read off each one's `/metrics` (next to
 * its `/graphql`), e.g. `db_statements_total` for SQL statements sent. A
 * subgraph without a series of a metric yet (a histogram nothing was
 * recorded in) counts 0; a metric no subgraph has is a mistake.
 */
export async function subgraphCountersSoFar(graphqlUrls: string[], metrics: string[]): Promise<Record<string, number>> {
  const totals = Object.fromEntries(metrics.map((metric) => [metric, 0]));
  const seen = new Set<string>();
  for (const url of graphqlUrls) {
    const metricsUrl = url.replace(/\/graphql$/, '/metrics');
    const response = await fetch(metricsUrl);
    if (!response.ok) throw new Error(`${metricsUrl} answered ${response.status}: the subgraphs must serve their metrics (METRICS_ENABLED)`);
    const lines = (await response.text()).split('\n');
    for (const metric of metrics) {
      const samples = lines.filter((line) => line.startsWith(`${metric}{`) || line.startsWith(`${metric} `));
      if (samples.length > 0) seen.add(metric);
      totals[metric]! += samples.reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    }
  }
  const missing = metrics.filter((metric) => !seen.has(metric));
  if (missing.length > 0) throw new Error(`no subgraph has ${missing.join(', ')} at /metrics`);
  return totals;
}
