// `npm run bench -- <name>`: runs one benchmark (or all) and prints its figures.
import { clusterBenchmark } from './cluster.js';
import { consoleBenchmark } from './console.js';
import { devicesBenchmark } from './devices.js';
import { rolloutBenchmark } from './rollout.js';
import { storeBenchmark } from './store.js';
import { tunnelBenchmark } from './tunnel.js';

const benchmarks: Record<string, () => Promise<void>> = {
  store: storeBenchmark,
  devices: devicesBenchmark,
  tunnel: tunnelBenchmark,
  rollout: rolloutBenchmark,
  console: consoleBenchmark,
  cluster: clusterBenchmark,
};

const requested = process.argv.slice(2);
const names = requested.length > 0 ? requested : Object.keys(benchmarks);
for (const name of names) {
  const run = benchmarks[name];
  if (!run) {
    console.error(`unknown benchmark ${JSON.stringify(name)}; known: ${Object.keys(benchmarks).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n== ${name} ==`);
  await run();
}
