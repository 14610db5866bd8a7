import { existsSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const here = import.meta.dirname;
/** Where the bundled GraphiQL assets live; generated, never committed. */
export const GRAPHIQL_ASSETS = path.resolve(here, '../../dist/graphiql');

/**
 * Bundles GraphiQL, React and graphql-ws from node_modules into one script
 * and one stylesheet (esbuild), so the router serves GraphiQL with no CDN.
 * Runs after `npm install` (postinstall) and on demand.
 */
export async function buildGraphiql(): Promise<void> {
  await build({
    entryPoints: { graphiql: path.join(here, 'graphiqlClient.ts') },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: GRAPHIQL_ASSETS,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
}

export const graphiqlBuilt = () => existsSync(path.join(GRAPHIQL_ASSETS, 'graphiql.js'));

if (process.argv[1] === import.meta.filename) {
  await buildGraphiql();
  console.log(`GraphiQL assets written to ${path.relative(process.cwd(), GRAPHIQL_ASSETS)}`);
}
