// Another process's CPU time, read from /proc: steadier than wall time on a machine shared
// with other work, which stretches the wall clock but not the CPU a process itself spends.
import { readFileSync } from 'node:fs';

// USER_HZ: what /proc counts CPU time in; 100 on every Linux the benchmarks run on.
const ticksPerSecond = 100;

/** User + system CPU of `pid` so far, in ms (10 ms resolution); undefined once it has gone. */
export function cpuMs(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name, in parentheses, may hold spaces: fields are counted after its end.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const user = Number(fields[11]);
  const system = Number(fields[12]);
  return ((user + system) * 1000) / ticksPerSecond;
}

/** Samples the CPU time of `pid` until `exited` resolves: the last sample is its CPU at the end. */
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
