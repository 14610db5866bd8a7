import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Service {
  child: ChildProcess;
  stop: () => Promise<void>;
}

/**
 * Runs a TypeScript entry point in its own process, as production would, so
 * the load generator and each server get their own event loop.
 */
/** Node options that write a CPU profile into BENCH_PROFILE=<dir>, for the gateways measured; none when it is unset. */
export function profileArgs(): string[] {
  return process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
}

export function runService(entry: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Service {
  // One process per service (tsx as a loader, not tsx's CLI, which adds a parent process).
  return runNode([...nodeArgs, '--import', 'tsx', path.join(root, entry)], env);
}

/**
 * Runs `node <args>` as a service: the child is the node process itself (no
 * npm or shell in between), so its pid is the server's own.
 */
export function runNode(args: string[], env: NodeJS.ProcessEnv, cwd = root): Service {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'ignore', 'inherit'] });
  return {
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Waits for `ready` (e.g. a `waitForGraphQL`), failing as soon as the
 * service's process exits or cannot be spawned instead of polling until the
 * timeout; the readiness check is told to stop either way.
 */
export async function untilReady(service: Service, name: string, ready: (signal: AbortSignal) => Promise<void>): Promise<void> {
  const { child } = service;
  const controller = new AbortController();
  let fail!: (error: Error) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
    fail(new Error(`${name} exited (${signal ?? `code ${code}`}) before it was ready; its stderr is above`));
  const onError = (error: Error) => fail(new Error(`${name} could not be started: ${error.message}`));
  if (child.exitCode !== null || child.signalCode !== null) onExit(child.exitCode, child.signalCode);
  child.once('exit', onExit).once('error', onError);
  try {
    await Promise.race([ready(controller.signal), failed]);
  } finally {
    controller.abort(new Error(`no longer waiting for ${name}`));
    child.off('exit', onExit).off('error', onError);
  }
}

let clockTicks: number | undefined;

/**
 * CPU seconds (user + system, every thread) a process has used so far, from
 * Linux's `/proc/<pid>/stat`. Pass the server's own pid: a wrapper's (npm,
 * tsx's CLI) would count next to nothing.
 */
export function cpuSeconds(pid: number): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may hold spaces; after it come field 3 (state) on, utime and stime being 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[14 - 3]) + Number(fields[15 - 3])) / clockTicks;
}

/** Runs an entry point to completion. */
export function runOnce(entry: string, env: NodeJS.ProcessEnv): Promise<void> {
  const { child } = runService(entry, env);
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${entry} exited with ${code}`)))),
  );
}

/** Polls a service's `/health` (next to its `/graphql`) until it answers 200: subgraphs answer no unsigned query. */
export const waitForHealth = (graphqlUrl: string, timeoutMs = 60_000, signal?: AbortSignal) =>
  waitForOk(graphqlUrl.replace(/\/graphql$/, '/health'), timeoutMs, signal);

/** Polls a URL until a GET answers 2xx. */
export const waitForOk = (url: string, timeoutMs = 60_000, signal?: AbortSignal) => waitUntilOk(url, {}, timeoutMs, signal);

/** Polls a GraphQL endpoint until it answers a trivial query. */
export const waitForGraphQL = (url: string, timeoutMs = 60_000, signal?: AbortSignal) =>
  waitUntilOk(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) }, timeoutMs, signal);

async function waitUntilOk(url: string, init: RequestInit, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    try {
      if ((await fetch(url, init)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not come up within ${timeoutMs} ms`);
}

/** What the machine's shared servers are called in `/proc/<pid>/comm`, and how the bench names them. */
const SERVERS: Record<string, string> = { postgres: 'PostgreSQL', 'beam.smp': 'RabbitMQ', 'redis-server': 'Redis' };

/** A process's name (see `processCpu`) and the CPU seconds it has used so far. */
export interface ProcessCpu {
  name: string;
  seconds: number;
}

/**
 * Every process on the machine now, by pid, with the CPU seconds it has used
 * so far and what it is: `own` names processes by pid (the bench's
 * services), the bench's own process is "bench", the shared servers
 * (PostgreSQL and each backend, RabbitMQ, Redis) are named by SERVERS, the
 * rest is "other".
 */
export function processCpu(own: ReadonlyMap<number, string> = new Map()): Map<number, ProcessCpu> {
  const processes = new Map<number, ProcessCpu>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      const name = own.get(pid) ?? (pid === process.pid ? 'bench' : (SERVERS[readFileSync(`/proc/${pid}/comm`, 'utf8').trim()] ?? 'other'));
      processes.set(pid, { name, seconds: cpuSeconds(pid) });
    } catch {
      // the process ended between the listing and the read
    }
  }
  return processes;
}

/**
 * CPU seconds used between two `processCpu` snapshots, summed by name. A
 * process that started in between counts from zero; one that ended took its
 * time with it, so long-lived processes (pooled connections) are what this
 * measures well.
 */
export function cpuBetween(before: ReadonlyMap<number, ProcessCpu>, after: ReadonlyMap<number, ProcessCpu>): Map<string, number> {
  const totals = new Map<string, number>();
  for (const [pid, { name, seconds }] of after) totals.set(name, (totals.get(name) ?? 0) + seconds - (before.get(pid)?.seconds ?? 0));
  return totals;
}

/** CPU seconds PostgreSQL's processes (the server and every backend) have used so far: the database's share of a request. */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const { name, seconds } of processCpu().values()) if (name === SERVERS.postgres) total += seconds;
  return total;
}

/**
 * CPU seconds the whole machine has been busy so far (every core, every
 * process: the services, PostgreSQL, RabbitMQ, Redis, the bench), from
 * Linux's `/proc/stat`: divided by a run's seconds, how many cores it kept
 * busy.
 */
export function machineBusySeconds(): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  // "cpu  user nice system idle iowait irq softirq steal ...": busy is all but idle and iowait.
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
  return (total - fields[3]! - fields[4]!) / clockTicks;
}
