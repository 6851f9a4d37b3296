// A real `tether serve` process for a benchmark, and what can be read of it from outside:
// readiness over HTTP, the events it appended from its SQLite file.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { startNode } from './child-processes.js';
import { inspectorArgs } from './collect-garbage.js';
import type { Child } from './child-processes.js';

const tetherScript = fileURLToPath(new URL('../bin/tether.js', import.meta.url));

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface HubOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly descriptors: number;
  /** Started with its inspector, so that collectGarbage() can reach it. */
  readonly inspectable?: boolean;
}

// A fixed password keeps the hub from printing a generated one; nothing here logs in.
const adminPassword = randomBytes(18).toString('base64url');

// TETHER_BENCH_HUB_PROFILE=DIR: each hub process (of the devices and tunnel benchmarks) writes a V8 CPU profile into DIR when it exits.
const profileDir = process.env.TETHER_BENCH_HUB_PROFILE;
/** Node's options that make a hub process write its CPU profile, or none. */
export const hubProfiling: readonly string[] = profileDir === undefined || profileDir === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];

/** Every simulated agent dials from 127.0.0.1: the gateway's limits per address must not count them as one flood. */
export const swarmLimits: readonly string[] = ['--gateway-connections-per-ip', '1000000', '--gateway-hellos-per-ip', '1000000', '--device-registrations-per-ip', '1000000'];

export function startHub({ dataDir, port, descriptors, inspectable = false }: HubOptions): Child {
  const args = ['serve', '--port', String(port), '--host', '127.0.0.1', '--data', dataDir, '--log-level', 'warn', ...swarmLimits];
  const nodeArgs = [...hubProfiling, ...(inspectable ? inspectorArgs : [])];
  return startNode(tetherScript, args, { descriptors, nodeArgs, env: { ...process.env, TETHER_ADMIN_PASSWORD: adminPassword } });
}

/** Polls /readyz until it answers 200; fails if the hub exits first or takes over `timeoutMs`. */
export async function waitReady(hub: Child, port: number, timeoutMs: number): Promise<void> {
  let exited: string | undefined;
  void hub.exited.then((how) => {
    exited = how;
  });
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (exited !== undefined) throw new Error(`the hub ended before it was ready (${exited}): ${hub.output().trim()}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(50);
  }
  throw new Error(`the hub was not ready within ${timeoutMs} ms: ${hub.output().trim()}`);
}

/** `work`, or a failure as soon as the hub process ends (with the end of its output). */
export async function whileRunning<T>(hub: Child, work: Promise<T>): Promise<T> {
  const ended = hub.exited.then((how): never => {
    throw new Error(`the hub ended unexpectedly (${how}): ${hub.output().trim()}`);
  });
  return Promise.race([work, ended]);
}

export interface AppendedEvents {
  readonly head: number;
  readonly count: number;
  /** Event type → how many, most frequent first. */
  readonly byType: readonly (readonly [string, number])[];
}

/** The events the hub appended after global position `after`, read from its file (read-only). */
export function eventsAfter(dataDir: string, after: number): AppendedEvents {
  const db = new Database(join(dataDir, 'events.db'), { readonly: true, fileMustExist: true });
  try {
    const head = db.prepare<[], number | null>('SELECT max(position) FROM events').pluck().get() ?? 0;
    const rows = db
      .prepare<[number], { type: string; n: number }>('SELECT type, count(*) AS n FROM events WHERE position > ? GROUP BY type ORDER BY n DESC')
      .all(after);
    return { head, count: rows.reduce((sum, r) => sum + r.n, 0), byType: rows.map((r) => [r.type, r.n] as const) };
  } finally {
    db.close();
  }
}

export const describeEvents = (events: AppendedEvents): string =>
  events.byType.map(([type, n]) => `${type} ${n.toLocaleString('en-US')}`).join(', ') || 'none';
