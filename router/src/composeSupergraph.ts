import { readFile } from 'node:fs/promises';
import { composeServices } from '@apollo/composition';
import { getLocation, parse, Source, type ASTNode, type GraphQLError } from 'graphql';
import { FieldRateLimits } from './rateLimit/fieldRateLimits.ts';
import { EventFeeds } from './subscriptions/eventFeeds.ts';
import { LinkedDirectives } from './supergraph/linkedDirectives.ts';
import type { SubgraphEntry } from './supergraphConfig.ts';

export class CompositionError extends Error {
  constructor(readonly problems: string[]) {
    super(`Supergraph composition failed:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** `file:line:column` for every AST node an error points at. */
function locate(nodes: readonly ASTNode[] | undefined): string[] {
  return (nodes ?? []).flatMap((node) => {
    const source = node.loc?.source;
    if (!source) return [];
    const { line, column } = getLocation(source, node.loc!.start);
    return [`${source.name}:${line}:${column}`];
  });
}

function describe(error: GraphQLError, subgraphOf: (file: string) => string | undefined): string {
  const where = locate(error.nodes).map((location) => `${subgraphOf(location.split(':')[0]!) ?? '?'} (${location})`);
  const code = error.extensions?.code ? `[${String(error.extensions.code)}] ` : '';
  return `${code}${error.message}${where.length ? `\n      at ${where.join('\n      at ')}` : ''}`;
}

export interface Composition {
  supergraphSdl: string;
  hints: string[];
}

/**
 * Composes the subgraphs' SDL with `@apollo/composition` (rover's own
 * composition library; rover itself is a downloaded binary). Every error is
 * reported with its subgraph and `file:line:column`, parse errors included.
 */
export async function composeSupergraph(subgraphs: SubgraphEntry[]): Promise<Composition> {
  const subgraphOf = (file: string) => subgraphs.find((subgraph) => subgraph.schemaFile === file)?.name;
  const problems: string[] = [];
  const services = [];
  for (const subgraph of subgraphs) {
    try {
      const sdl = await readFile(subgraph.schemaFile, 'utf8');
      services.push({ name: subgraph.name, url: subgraph.url, typeDefs: parse(new Source(sdl, subgraph.schemaFile)) });
    } catch (error) {
      const located = (error as GraphQLError).locations?.[0];
      const at = located ? `${subgraph.schemaFile}:${located.line}:${located.column}` : subgraph.schemaFile;
      problems.push(`${(error as Error).message}\n      at ${subgraph.name} (${at})`);
    }
  }
  if (problems.length) throw new CompositionError(problems);

  let result: ReturnType<typeof composeServices>;
  try {
    result = composeServices(services);
  } catch (error) {
    // Composition asserts instead of reporting on some inputs, such as a composed directive imported under
    // different names by different subgraphs; the subgraph team still gets an answer, not a stack trace.
    throw new CompositionError([
      `Composition failed inside @apollo/composition (${(error as Error).message}). Check that every subgraph imports each composed directive (@composeDirective) under the same name.`,
    ]);
  }
  if (result.errors) throw new CompositionError(result.errors.map((error) => describe(error, subgraphOf)));
  // Composition checks the directive's types; what its values must name is ours to check, before any router serves them.
  const linked = new LinkedDirectives(result.supergraphSdl);
  const unservable = [...new FieldRateLimits(linked).problems.map(({ problem }) => problem), ...new EventFeeds(linked).problems];
  if (unservable.length) throw new CompositionError(unservable);
  return { supergraphSdl: result.supergraphSdl, hints: result.hints.map((hint) => hint.toString()) };
}
