// Runs the built CLI (`node dist/bin/tether.js`) as a child process, as an operator would.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

export const cli = fileURLToPath(new URL('../../dist/bin/tether.js', import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` before the e2e tests`);
}

/** A port free right now: bound to 0 by a throwaway server, then released. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A port free right now and outside `range` (e.g. the hub's DeviceLink ports, which a proxy may not take). */
export async function freePortOutside(range: { readonly from: number; readonly to: number }): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port < range.from || port > range.to) return port;
  }
}

export interface TetherProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly port: number;
  readonly baseUrl: string;
  /** Everything written to stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal) once the process has ended. */
  readonly exited: Promise<number | NodeJS.Signals>;
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): TetherProcess & { port: -1 } {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: 'pipe' });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return { child, port: -1, baseUrl: '', stdout: () => out, stderr: () => err, exited };
}

export interface ServeOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly nodeId?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** More `tether serve` flags. */
  readonly args?: readonly string[];
}

export function serve(options: ServeOptions): TetherProcess {
  const args = ['serve', '--port', String(options.port), '--data', options.dataDir, '--log-level', 'warn'];
  if (options.nodeId !== undefined) args.push('--node-id', options.nodeId);
  args.push(...(options.args ?? []));
  const started = runCli(args, options.env);
  return { ...started, port: options.port, baseUrl: `http://127.0.0.1:${options.port}` };
}

/** Polls `until` every 50 ms; fails with `what` once the deadline has passed. */
export async function eventually<T>(what: string, deadlineMs: number, until: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await until().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until /readyz answers 200 (the process is up and its read models caught up). */
export async function ready(hub: TetherProcess, deadlineMs = 20_000): Promise<void> {
  let exit: number | NodeJS.Signals | undefined;
  void hub.exited.then((code) => (exit = code));
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (exit !== undefined) throw new Error(`the hub exited (${String(exit)}) during start-up:\n${hub.stderr()}`);
    const status = await fetch(`${hub.baseUrl}/readyz`).then((response) => response.status, () => 0);
    if (status === 200) return;
    if (Date.now() > deadline) {
      throw new Error(`${hub.baseUrl} not ready within ${deadlineMs} ms\nstdout: ${hub.stdout()}\nstderr: ${hub.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function login(hub: TetherProcess, body: { password: string; tenant?: string }): Promise<string> {
  const response = await fetch(`${hub.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

/** Stops a hub the polite way and returns its exit code. */
export async function terminate(hub: TetherProcess): Promise<number | NodeJS.Signals> {
  hub.child.kill('SIGTERM');
  return hub.exited;
}
