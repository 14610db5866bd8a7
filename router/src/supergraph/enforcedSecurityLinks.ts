import type { SupergraphManager } from '@apollo/gateway';
import { Kind, parse, print, visit, type DirectiveNode } from 'graphql';

/** The security specs this router enforces itself (see authorization/). */
export const ENFORCED_SECURITY_SPECS = ['https://specs.apollo.dev/authenticated', 'https://specs.apollo.dev/requiresScopes'] as const;

const isEnforcedLink = (node: DirectiveNode) => {
  if (node.name.value !== 'link') return false;
  const url = node.arguments?.find((argument) => argument.name.value === 'url')?.value;
  return url?.kind === Kind.STRING && ENFORCED_SECURITY_SPECS.some((identity) => url.value.startsWith(`${identity}/`));
};

/**
 * `@apollo/gateway` refuses a supergraph that links a `for: SECURITY` spec
 * it cannot enforce, which is right: serving `@authenticated` fields without
 * checking them would leak them. The router enforces these specs before the
 * gateway plans, so it hands the gateway the supergraph with `for: SECURITY`
 * dropped from exactly those links. Any other security spec (`@policy`)
 * still makes the gateway refuse the supergraph: unknown rules fail closed.
 */
export function withEnforcedSecurityLinks(supergraphSdl: string): string {
  let changed = false;
  const document = visit(parse(supergraphSdl), {
    Directive(node) {
      if (!isEnforcedLink(node)) return undefined;
      changed = true;
      return { ...node, arguments: node.arguments?.filter((argument) => argument.name.value !== 'for') };
    },
  });
  return changed ? print(document) : supergraphSdl;
}

/** The same, for a supergraph the gateway follows (a published file): every version it loads is rewritten. */
export function enforcedSecurityManager(manager: SupergraphManager): SupergraphManager {
  return {
    async initialize(options) {
      const result = await manager.initialize({ ...options, update: (sdl) => options.update(withEnforcedSecurityLinks(sdl)) });
      return { ...result, supergraphSdl: withEnforcedSecurityLinks(result.supergraphSdl) };
    },
  };
}
