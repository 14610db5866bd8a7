import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { parse } from 'yaml';

const root = path.resolve(import.meta.dirname, '..');

// No Docker engine runs here; docker-compose 1.29 still validates the file
// (TOOLCHAIN.md). .ci/run installs it when it is missing.
it('docker-compose.yml validates and runs every service of the topology', () => {
  const resolved = execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], { cwd: root, encoding: 'utf8' });
  const services = Object.keys(parse(resolved).services);
  expect(services.sort()).toEqual(['bridge', 'notes', 'orders', 'postgres', 'rabbitmq', 'redis', 'router', 'users'].sort());
});
