// Another process's CPU time, read from /proc: steadier than wall time on a machine shared
// with other work, which stretches the wall clock but not the CPU a process itself spends.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticksPerSecond;
}

/** User + system CPU of `pid` so far, in µs (at the kernel's tick resolution); undefined once it has gone. */
export function cpuMicroseconds(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name, in parentheses, may hold spaces: utime and stime are the 12th and 13th fields after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / clockTicks()) * 1e6;
}

/** The same in ms; undefined once the process has gone. */
export function cpuMs(pid: number): number | undefined {
  const us = cpuMicroseconds(pid);
  return us === undefined ? undefined : us / 1000;
}

/** Samples the CPU time of `pid` until `exited` resolves: the last sample is its CPU at the end, in ms. */
export function cpuUntilExit(pid: number, exited: Promise<unknown>, everyMs = 10): Promise<number> {
  let last = cpuMs(pid) ?? 0;
  const timer = setInterval(() => {
    last = cpuMs(pid) ?? last;
  }, everyMs);
  return exited.then(() => {
    clearInterval(timer);
    return last;
  });
}

/** CPU µs the processes used together since the call, as `since()` tells. */
export function cpuMeter(pids: readonly number[]): { since(): number } {
  const total = (): number => pids.reduce((sum, pid) => sum + (cpuMicroseconds(pid) ?? 0), 0);
  const start = total();
  return { since: () => total() - start };
}
