import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { newSigningSecret } from '../test/kit/tokens.ts';

const root = path.resolve(import.meta.dirname, '..');
const SUBGRAPH_SIGNING_SECRETS = newSigningSecret();
const WEBHOOKS_SECRETS_KEY = randomBytes(32).toString('base64');

// No Docker engine runs here; docker-compose 1.29 still validates the file
// (TOOLCHAIN.md). .ci/run installs it when it is missing.
const resolve = (env: NodeJS.ProcessEnv) => execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], { cwd: root, encoding: 'utf8', env, stdio: 'pipe' });

it('docker-compose.yml validates and runs every service of the topology', () => {
  const resolved = resolve({ ...process.env, SUBGRAPH_SIGNING_SECRETS, WEBHOOKS_SECRETS_KEY });
  const services = Object.keys(parse(resolved).services);
  expect(services.sort()).toEqual(['bridge', 'notes', 'orders', 'payments', 'postgres', 'rabbitmq', 'redis', 'router', 'users', 'webhooks'].sort());
});

it('docker-compose.yml gives the router and every subgraph the signing secrets, and needs them', () => {
  const { services } = parse(resolve({ ...process.env, SUBGRAPH_SIGNING_SECRETS, WEBHOOKS_SECRETS_KEY }));
  for (const name of ['router', 'users', 'notes', 'orders', 'payments', 'webhooks']) expect(services[name].environment.SUBGRAPH_SIGNING_SECRETS).toBe(SUBGRAPH_SIGNING_SECRETS);
  const env: NodeJS.ProcessEnv = { ...process.env, WEBHOOKS_SECRETS_KEY };
  delete env.SUBGRAPH_SIGNING_SECRETS;
  expect(() => resolve(env)).toThrow(/set SUBGRAPH_SIGNING_SECRETS/);
});
