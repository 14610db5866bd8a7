import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runNode, type Service } from '../processes.ts';

/**
 * Hive Gateway for the router benchmark. At about 600 MB with its
 * dependencies, it is installed on first use into bench/.hive-gateway (git
 * ignores it), not into the project's dependencies, and reused afterwards.
 * 2.15.1 runs on Node 20 although a few of its dependencies declare Node 22.
 */
export const HIVE_GATEWAY_VERSION = '2.15.1';
export const hiveGatewayDir = path.resolve(import.meta.dirname, '../.hive-gateway');
const packageDir = path.join(hiveGatewayDir, 'node_modules/@graphql-hive/gateway');

function installedVersion(): string | undefined {
  const manifest = path.join(packageDir, 'package.json');
  return existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version : undefined;
}

/** Installs @graphql-hive/gateway@HIVE_GATEWAY_VERSION into bench/.hive-gateway unless it is there already. */
export async function ensureHiveGateway(): Promise<void> {
  const found = installedVersion();
  if (found === HIVE_GATEWAY_VERSION) return;
  console.log(`Installing @graphql-hive/gateway@${HIVE_GATEWAY_VERSION} into bench/.hive-gateway (${found ? `found ${found}` : 'first run'}; about 600 MB)...`);
  mkdirSync(hiveGatewayDir, { recursive: true });
  // Its own package.json, so npm treats the folder as a project of its own and not as part of our workspaces.
  const manifest = path.join(hiveGatewayDir, 'package.json');
  if (!existsSync(manifest)) writeFileSync(manifest, `${JSON.stringify({ name: 'bench-hive-gateway', private: true }, null, 2)}\n`);
  const code = await new Promise<number | null>((resolve, reject) => {
    const npm = spawn('npm', ['install', '--prefix', hiveGatewayDir, '--no-audit', '--no-fund', `@graphql-hive/gateway@${HIVE_GATEWAY_VERSION}`], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    npm.once('error', reject);
    npm.once('exit', resolve);
  });
  if (code !== 0 || installedVersion() !== HIVE_GATEWAY_VERSION) {
    throw new Error(`npm install of @graphql-hive/gateway@${HIVE_GATEWAY_VERSION} into ${hiveGatewayDir} failed (exit code ${code}); see npm's output above`);
  }
}

export interface HiveGatewayOptions {
  supergraphFile: string;
  port: number;
  /** A module exporting `gatewayConfig`; none runs Hive Gateway with its defaults. */
  configFile?: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Runs the hive-gateway CLI on a supergraph file: its bin script straight
 * under node, one process (`--fork` defaults to 1), so the child's pid is the
 * gateway's. Runs from bench/.hive-gateway, where no gateway config of its
 * own is found, so that only `configFile` configures it.
 */
export function startHiveGateway({ supergraphFile, port, configFile, env }: HiveGatewayOptions): Service {
  const bin = path.join(packageDir, 'dist/bin.js');
  const args = [bin, 'supergraph', supergraphFile, '--port', String(port), '--host', '127.0.0.1', ...(configFile ? ['--config-path', configFile] : [])];
  return runNode(args, env, hiveGatewayDir);
}
