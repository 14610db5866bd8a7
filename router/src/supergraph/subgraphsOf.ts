import { Kind, parse, type ConstDirectiveNode } from 'graphql';

/**
 * The subgraphs a supergraph routes to, by name, with their routing URLs:
 * the `@join__graph(name:, url:)` on each value of its `join__Graph` enum.
 * `overrides` (the `<NAME>_ROUTING_URL` settings) win, as they do for fetches.
 */
export function subgraphsOf(supergraphSdl: string, overrides: Record<string, string> = {}): Map<string, string> {
  const subgraphs = new Map<string, string>();
  for (const definition of parse(supergraphSdl).definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const graph = value.directives?.find((directive) => directive.name.value === 'join__graph');
      const name = graph && stringArgument(graph, 'name');
      const url = graph && stringArgument(graph, 'url');
      if (name) subgraphs.set(name, overrides[name] ?? url ?? '');
    }
  }
  return subgraphs;
}

function stringArgument(directive: ConstDirectiveNode, name: string): string | undefined {
  const argument = directive.arguments?.find((candidate) => candidate.name.value === name);
  return argument?.value.kind === Kind.STRING ? argument.value.value : undefined;
}
