// TETHER_BENCH_HUB_PROFILE=DIR for a benchmark whose hub runs in its own process: a V8 CPU
// profile of one measured phase, written to DIR/<name>.cpuprofile, so set-up stays out of it.
import { Session } from 'node:inspector/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const profileDir = process.env.TETHER_BENCH_HUB_PROFILE;

/** Runs `work`, profiled when TETHER_BENCH_HUB_PROFILE names a folder. */
export async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
  if (profileDir === undefined || profileDir === '') return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    mkdirSync(profileDir, { recursive: true });
    writeFileSync(join(profileDir, `${name}.cpuprofile`), JSON.stringify(profile));
  }
}
