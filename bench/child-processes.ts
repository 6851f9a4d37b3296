// The processes a benchmark starts: each may need more file descriptors than a shell gives
// by default (one per socket), keeps the tail of its output for error messages, and is
// killed when the benchmark ends, however it ends.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
const tailBytes = 8 * 1024;

function killAll(): void {
  for (const child of live) child.kill('SIGKILL');
}

// A signal ends this process without its 'exit' handlers: the hub, which has no IPC
// channel to notice, would be left running.
function killAllAndExit(signal: NodeJS.Signals): void {
  killAll();
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

/** Runs `work`, then kills whatever it left running, also on an exception, exit, SIGINT or SIGTERM. */
export async function withChildren<T>(work: () => Promise<T>): Promise<T> {
  process.on('exit', killAll);
  process.once('SIGINT', killAllAndExit);
  process.once('SIGTERM', killAllAndExit);
  try {
    return await work();
  } finally {
    killAll();
    process.off('exit', killAll);
    process.off('SIGINT', killAllAndExit);
    process.off('SIGTERM', killAllAndExit);
  }
}

/** The most descriptors a child may open: the hard limit, as the soft one can be raised to it. */
export function descriptorLimit(): number {
  const hard = execFileSync('/bin/sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim();
  return hard === 'unlimited' ? Number.POSITIVE_INFINITY : Number(hard);
}

export interface Child {
  readonly process: ChildProcess;
  readonly pid: number;
  /** Resolves with the exit code (or signal) once the process has gone. */
  readonly exited: Promise<string>;
  /** The last few KiB of its stdout and stderr. */
  output(): string;
}

export interface ChildOptions {
  readonly descriptors: number;
  readonly env?: NodeJS.ProcessEnv;
  /** Opens an IPC channel (process.send in the child). */
  readonly ipc?: boolean;
  /** Options for node itself, before the script (e.g. --cpu-prof). */
  readonly nodeArgs?: readonly string[];
}

/** `node script ...args` with its descriptor limit raised to `descriptors` (or as far as allowed). */
export function startNode(script: string, args: readonly string[], options: ChildOptions): Child {
  // exec keeps the pid, so the pid is the node process's own (its /proc entry is the one to read).
  const raise = `ulimit -n ${options.descriptors} 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"`;
  const child = spawn('/bin/sh', ['-c', raise, process.execPath, ...(options.nodeArgs ?? []), script, ...args], {
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
  });
  if (child.pid === undefined) throw new Error(`could not start ${script}`);
  live.add(child);
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-tailBytes);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve(signal ?? `exit code ${String(code)}`);
    });
  });
  return { process: child, pid: child.pid, exited, output: () => tail };
}

/** SIGTERM, then SIGKILL if it has not gone after `graceMs`; resolves how it ended. */
export async function stopChild(child: Child, graceMs: number): Promise<string> {
  child.process.kill('SIGTERM');
  const force = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
  try {
    return await child.exited;
  } finally {
    clearTimeout(force);
  }
}
