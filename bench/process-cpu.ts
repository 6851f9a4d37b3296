// CPU time other processes used, from /proc: on a shared machine the wall-clock figures move
// with everyone's load, while the CPU a relay spends per operation hardly does.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticksPerSecond;
}

/** User and system CPU time of `pid` so far, in µs (at the kernel's tick resolution). */
export function cpuMicroseconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / clockTicks()) * 1e6;
}

/** CPU µs the processes used together since the call, as `since()` tells. */
export function cpuMeter(pids: readonly number[]): { since(): number } {
  const total = (): number => pids.reduce((sum, pid) => sum + cpuMicroseconds(pid), 0);
  const start = total();
  return { since: () => total() - start };
}
