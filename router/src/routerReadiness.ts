import type { DependencyChecks } from '@supergraph/common';

/**
 * What the router needs to answer: each subgraph of the supergraph it
 * serves now (`subgraph:<name>`) and Redis when it has one. A subgraph is
 * up when it answers HTTP at all at `/health/live`: its own dependencies are
 * its readiness, not the router's, or one database going down would take
 * every router out of its load balancer with it. Subgraphs that are not
 * ours (no such route: 404) count as up too.
 */
export function routerDependencies(subgraphs: () => ReadonlyMap<string, string>, redis: (() => Promise<void>) | undefined, timeoutMs: number): () => DependencyChecks {
  return () => {
    const checks: DependencyChecks = {};
    for (const [name, url] of subgraphs()) checks[`subgraph:${name}`] = () => answersHttp(new URL('/health/live', url), timeoutMs);
    if (redis) checks.redis = redis;
    return checks;
  };
}

async function answersHttp(url: URL, timeoutMs: number): Promise<void> {
  // Aborted, not just abandoned, when it takes too long: a hanging subgraph must not collect open probes.
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  // Read whole, so its connection is reused.
  await response.arrayBuffer();
  if (response.status >= 500) throw new Error(`${url} answered ${response.status}`);
}
