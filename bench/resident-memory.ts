// Another process's resident memory, read from /proc once it has stopped moving: a process
// that just did a lot of work keeps growing or shrinking for a while (lazy GC, freed pages).
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** VmRSS of `pid` in KiB. */
export function residentKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match?.[1]) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]);
}

const sampleMs = 250;
const windowSamples = 8;
const minimumMs = 3000;
const maximumMs = 20_000;

export interface SettledMemory {
  readonly kib: number;
  /** False when it was still moving by more than 1% after the maximum wait. */
  readonly settled: boolean;
  readonly waitedMs: number;
}

/** Samples VmRSS until the last two seconds vary by at most 1% (at least 3 s, at most 20 s). */
export async function settledResidentKiB(pid: number): Promise<SettledMemory> {
  const start = performance.now();
  const samples: number[] = [];
  for (;;) {
    samples.push(residentKiB(pid));
    const recent = samples.slice(-windowSamples);
    const waitedMs = performance.now() - start;
    const last = recent.at(-1) ?? 0;
    const still = recent.length === windowSamples && Math.max(...recent) - Math.min(...recent) <= Math.max(...recent) * 0.01;
    if ((still && waitedMs >= minimumMs) || waitedMs >= maximumMs) return { kib: last, settled: still, waitedMs };
    await sleep(sampleMs);
  }
}
