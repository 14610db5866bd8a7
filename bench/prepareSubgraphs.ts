import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createTemplate, databaseUrl, dropDatabase, SUBGRAPHS, templateName } from '../test/kit/postgres.ts';
import { freePort, runOnce } from './processes.ts';

const root = path.resolve(import.meta.dirname, '..');

/**
 * Fresh migrated and seeded databases for every subgraph, and the
 * environment that runs each subgraph on its own free port against them
 * (routing URLs included, for the router). Settings as in production, rate
 * limits aside, so subgraphs answer only requests signed with
 * SUBGRAPH_SIGNING_SECRETS: every gateway measured must sign, as ours does.
 */
export async function prepareSubgraphs(runId: string, extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
  await Promise.all(SUBGRAPHS.map((name) => createTemplate(name, runId)));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    JWT_SECRET: 'bench-secret-that-is-at-least-32-chars',
    SUBGRAPH_SIGNING_SECRETS: `whsec_${randomBytes(32).toString('base64')}`,
    // The load logs in as demo users: a demo on purpose, on throwaway databases.
    ALLOW_DEMO_ACCOUNTS: 'true',
    // The load comes from one address as a few users: the router's rate
    // limits stay on (their cost is part of what is measured) but never refuse.
    RATE_LIMIT_IP_OPERATIONS: '1000000000',
    RATE_LIMIT_USER_OPERATIONS: '1000000000',
    RATE_LIMIT_FIELD_MULTIPLIER: '1000000',
    // The benchmarks measure gateways: the webhooks subgraph serves its API,
    // but no delivery worker competes for the CPU or leaves a queue behind.
    WEBHOOKS_WORKER: 'false',
    WEBHOOKS_SECRETS_KEY: randomBytes(32).toString('base64'),
    ...extra,
  };
  for (const name of SUBGRAPHS) {
    const upper = name.toUpperCase();
    env[`${upper}_DATABASE_URL`] = databaseUrl(templateName(name, runId));
    env[`${upper}_PORT`] = String(await freePort());
    env[`${upper}_ROUTING_URL`] = `http://127.0.0.1:${env[`${upper}_PORT`]}/graphql`;
  }
  // Subgraphs without demo data (webhooks) have no seed.
  const seeded = SUBGRAPHS.filter((name) => existsSync(path.join(root, `subgraphs/${name}/src/seed/main.ts`)));
  await Promise.all(seeded.map((name) => runOnce(`subgraphs/${name}/src/seed/main.ts`, env)));
  return env;
}

export const dropSubgraphDatabases = (runId: string) =>
  Promise.all(SUBGRAPHS.map((name) => dropDatabase(templateName(name, runId))));
