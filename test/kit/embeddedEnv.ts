import { SUBGRAPHS } from './postgres.ts';

/**
 * The environment of an `npm start` as a user runs it, on top of this
 * process's: no database URL for any subgraph (each embedded, in
 * `dataDir`), and every service on a free port, so that it never meets
 * another supergraph running on this machine.
 */
export function embeddedEnv(dataDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra, SUPERGRAPH_DATA_DIR: dataDir, ROUTER_PORT: '0' };
  for (const name of SUBGRAPHS.map((subgraph) => subgraph.toUpperCase())) {
    delete env[`${name}_DATABASE_URL`];
    env[`${name}_PORT`] = '0';
  }
  return env;
}
