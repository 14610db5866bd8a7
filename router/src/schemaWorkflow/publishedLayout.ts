import path from 'node:path';

/** Where `publish` keeps the published state, all derived from the published supergraph's path. */
export interface PublishedLayout {
  /** The supergraph the router serves and watches. */
  supergraph: string;
  /** The supergraph it replaced, for rollback. */
  previous: string;
  /** One `<subgraph>.graphql` per subgraph of the published supergraph: what the next composition starts from. */
  subgraphsDir: string;
}

export function publishedLayout(supergraphFile: string): PublishedLayout {
  const supergraph = path.resolve(supergraphFile);
  return { supergraph, previous: `${supergraph}.previous`, subgraphsDir: path.join(path.dirname(supergraph), 'subgraphs') };
}
