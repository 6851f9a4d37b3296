// `npm run bench -- devices`: simulated agents (the real protocol, thousands per swarm
// process) against one real hub process: time until N are online, hub memory per idle
// device against a bare `ws` server's in the same run, events/s during the connect storm,
// and time until all are back after the hub restarts. N: TETHER_BENCH_DEVICES (10,000).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { restartBackoffMaxMs } from '../agent/backoff.js';
import { descriptorLimit, startNode, stopChild, withChildren } from './child-processes.js';
import type { Child } from './child-processes.js';
import { figure, note, percentile, rate } from './figures.js';
import { cpuMs, cpuUntilExit } from './process-cpu.js';
import { describeEvents, eventsAfter, freePort, startHub, waitReady, whileRunning } from './hub-process.js';
import { settledResidentKiB } from './resident-memory.js';
import { collectGarbage, inspectorArgs } from './collect-garbage.js';
import type { SettledMemory } from './resident-memory.js';
import { describeTally, SwarmGroup } from './swarm-group.js';
import type { SwarmOptions, SwarmTally } from './swarm-group.js';
import { epochMs } from './swarm-protocol.js';

const goalDevices = 10_000;
// Beyond the listen backlog (511) a storm of SYNs is dropped and retried a second later:
// the swarms keep their first connections to what the hub can take in at once.
const windowPerProcess = 128;
// As the agent's backoff (agent/backoff.ts), from a shorter first delay.
const backoff = { backoffBaseMs: 500, backoffMaxMs: 30_000 };
const hubDescriptorHeadroom = 512;

function requestedDevices(): number {
  const raw = process.env.TETHER_BENCH_DEVICES ?? String(goalDevices);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`TETHER_BENCH_DEVICES must be a positive integer (got ${JSON.stringify(raw)})`);
  return n;
}

/** N, scaled down with a note when descriptors or loopback ports cannot hold N sockets a side. */
function plannedDevices(): number {
  let devices = requestedDevices();
  const limit = descriptorLimit();
  const byDescriptors = limit - hubDescriptorHeadroom;
  if (devices > byDescriptors) {
    note(`the descriptor limit (ulimit -Hn ${limit}) lets one process hold ${byDescriptors} sockets: scaled down from ${devices}.`);
    note('raise it (e.g. `ulimit -n 65536` as root, or LimitNOFILE=) to run the full count.');
    devices = Math.max(1, Math.floor(byDescriptors / 100) * 100);
  }
  const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  const ports = (high ?? 0) - (low ?? 0) + 1;
  if (ports > 0 && devices > ports - 2000) {
    note(`the ephemeral port range (${low}-${high}) limits connections to one hub port: scaled down from ${devices}.`);
    devices = Math.max(1, Math.floor((ports - 2000) / 100) * 100);
  }
  return devices;
}

const swarmOptions = (url: string, mode: SwarmOptions['mode'], devices: number): SwarmOptions => ({
  url,
  mode,
  devices,
  processes: Math.min(4, Math.max(2, Math.ceil(devices / 4000))),
  window: windowPerProcess,
  ...backoff,
});

const mib = (kib: number): number => kib / 1024;
const noTally: SwarmTally = { connects: 0, problems: {} };

function memoryNote(label: string, m: SettledMemory): void {
  if (!m.settled) note(`${label}: RSS still moving by more than 1% after ${Math.round(m.waitedMs)} ms; the last sample is used.`);
}

interface Connected {
  readonly swarm: SwarmGroup;
  readonly ms: number;
  readonly tally: SwarmTally;
}

async function connectAll(url: string, mode: SwarmOptions['mode'], devices: number): Promise<Connected> {
  const { swarm, startedAt } = await SwarmGroup.start(swarmOptions(url, mode, devices));
  const reached = await swarm.waitFor((online) => online >= devices, 60_000 + devices * 10);
  const tally = swarm.tally();
  if (!reached.met) {
    await swarm.stop();
    throw new Error(`only ${reached.online} of ${devices} online in time (${describeTally(noTally, tally)})`);
  }
  return { swarm, ms: reached.lastOnlineAt - startedAt, tally };
}

/** KiB of RSS per idle bare `ws` connection in a server that does nothing else. */
async function bareBaseline(devices: number): Promise<number> {
  const script = fileURLToPath(new URL('./bare-ws-server.js', import.meta.url));
  const server: Child = startNode(script, [], { descriptors: devices + hubDescriptorHeadroom, ipc: true, nodeArgs: inspectorArgs });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      server.process.once('message', (message: { port: number }) => resolve(message.port));
      void server.exited.then((how) => reject(new Error(`the bare ws server ended (${how}): ${server.output()}`)));
    });
    await collectGarbage(server);
    const idle = await settledResidentKiB(server.pid);
    const { swarm, ms } = await connectAll(`ws://127.0.0.1:${port}/`, 'bare', devices);
    await collectGarbage(server);
    const loaded = await settledResidentKiB(server.pid);
    await swarm.stop();
    memoryNote('bare ws server', loaded);
    const perConnection = (loaded.kib - idle.kib) / devices;
    figure(`baseline: bare ws server, ${devices.toLocaleString('en-US')} connections opened in`, ms, 'ms');
    note('the swarms\' own ceiling on this machine: the hub cannot be measured faster than this.');
    figure('baseline: RSS per idle bare ws connection', perConnection, 'KiB');
    return perConnection;
  } finally {
    await stopChild(server, 2000);
  }
}

interface HubRun {
  readonly devices: number;
  readonly dataDir: string;
  readonly port: number;
  hub: Child;
}

async function stormFigures(run: HubRun): Promise<{ swarm: SwarmGroup; head: number }> {
  const before = eventsAfter(run.dataDir, 0).head;
  const cpuBefore = cpuMs(run.hub.pid) ?? 0;
  const { swarm, ms, tally } = await whileRunning(run.hub, connectAll(`ws://127.0.0.1:${run.port}/gateway`, 'agent', run.devices));
  const cpu = (cpuMs(run.hub.pid) ?? 0) - cpuBefore;
  const storm = eventsAfter(run.dataDir, before);
  const latencies = await swarm.latencies();
  figure(`time until ${run.devices.toLocaleString('en-US')} devices are online (hello → welcome)`, ms, 'ms');
  figure('  dial → welcome per device, p50', percentile(latencies, 50), 'ms');
  figure('  dial → welcome per device, p99', percentile(latencies, 99), 'ms');
  note(`each swarm process keeps at most ${windowPerProcess} first connections in flight; ${describeTally(noTally, tally)}.`);
  figure('devices online on one hub process', swarm.online(), 'devices', { op: '>=', value: goalDevices });
  figure('events appended during the connect storm', rate(storm.count, ms), 'events/s');
  figure('  hub CPU per device during the connect storm', (cpu * 1000) / run.devices, 'µs');
  note(`${storm.count.toLocaleString('en-US')} events: ${describeEvents(storm)}`);
  return { swarm, head: storm.head };
}

async function memoryFigures(run: HubRun, idleKiB: number, barePerConnection: number): Promise<void> {
  await collectGarbage(run.hub);
  const loaded = await settledResidentKiB(run.hub.pid);
  memoryNote('hub', loaded);
  const perDevice = (loaded.kib - idleKiB) / run.devices;
  figure(`hub RSS with ${run.devices.toLocaleString('en-US')} idle connected devices`, mib(loaded.kib), 'MiB');
  figure('hub RSS per idle connected device', perDevice, 'KiB', { op: '<=', value: 16 });
  note(`${(perDevice / barePerConnection).toFixed(2)}x a bare ws connection; counted from the idle hub, each read after a full garbage collection (as for the bare server), so the storm's garbage is not counted.`);
  if (run.devices < goalDevices) note(`below ${goalDevices.toLocaleString('en-US')} devices the hub's fixed growth (compiled code, heap headroom) weighs on this figure.`);
}

/** Online counts every `everyMs` until stopped, for the shape of a recovery. */
function sampleOnline(swarm: SwarmGroup, everyMs: number): () => string {
  const samples: number[] = [];
  const timer = setInterval(() => samples.push(swarm.online()), everyMs);
  return () => {
    clearInterval(timer);
    return samples.map((n, i) => `+${((i + 1) * everyMs) / 1000}s ${n.toLocaleString('en-US')}`).join(', ');
  };
}

async function restartFigures(run: HubRun, swarm: SwarmGroup, afterPosition: number): Promise<void> {
  const before = swarm.tally();
  const cpuAtSigterm = cpuMs(run.hub.pid) ?? 0;
  const cpuAtExit = cpuUntilExit(run.hub.pid, run.hub.exited);
  const sigtermAt = epochMs();
  const ended = await stopChild(run.hub, 20_000);
  const exitedAt = epochMs();
  const shutdownCpu = (await cpuAtExit) - cpuAtSigterm;
  // With the old process gone no device can be online until the new one listens.
  const dropped = await swarm.waitFor((online) => online === 0, 10_000);
  if (!dropped.met) throw new Error(`${dropped.online} devices still online after the hub exited`);
  const startedAt = epochMs();
  run.hub = startHub({ dataDir: run.dataDir, port: run.port, descriptors: run.devices + hubDescriptorHeadroom });
  await waitReady(run.hub, run.port, 60_000);
  const readyAt = epochMs();
  const startCpu = cpuMs(run.hub.pid) ?? 0;
  const timeline = sampleOnline(swarm, 5000);
  const back = await whileRunning(run.hub, swarm.waitFor((online) => online >= run.devices, 120_000));
  const reconnectCpu = (cpuMs(run.hub.pid) ?? 0) - startCpu;
  const shape = timeline();
  const restart = eventsAfter(run.dataDir, afterPosition);
  figure(`hub shutdown (SIGTERM → exit, ${ended})`, exitedAt - sigtermAt, 'ms');
  figure('  hub CPU per device during the shutdown', (shutdownCpu * 1000) / run.devices, 'µs');
  figure('hub start → /readyz on the same data dir', readyAt - startedAt, 'ms');
  figure('  hub CPU until /readyz', startCpu, 'ms');
  if (!back.met) note(`only ${back.online.toLocaleString('en-US')} of ${run.devices.toLocaleString('en-US')} back online within 120 s.`);
  const allBackAt = back.met ? back.lastOnlineAt : Number.POSITIVE_INFINITY;
  figure('hub restart: SIGTERM → all devices back online', allBackAt - sigtermAt, 'ms', { op: '<=', value: 30_000 });
  figure('  /readyz → all devices back online', allBackAt - readyAt, 'ms');
  figure('  hub CPU per device from /readyz until all are back', (reconnectCpu * 1000) / run.devices, 'µs');
  note(`online after /readyz: ${shape || 'all within 5 s'}`);
  note(
    `agents back off from ${backoff.backoffBaseMs} ms, doubling up to ${backoff.backoffMaxMs.toLocaleString('en-US')} ms ` +
      `(${restartBackoffMaxMs.toLocaleString('en-US')} ms after the hub said it shuts down, as the agent does), with equal jitter.`,
  );
  note(`across the restart: ${describeTally(before, swarm.tally())}`);
  note(`events across the restart: ${describeEvents(restart)}`);
}

async function hubFigures(devices: number, dataDir: string, barePerConnection: number): Promise<void> {
  const port = await freePort();
  const run: HubRun = { devices, dataDir, port, hub: startHub({ dataDir, port, descriptors: devices + hubDescriptorHeadroom, inspectable: true }) };
  await waitReady(run.hub, port, 60_000);
  await collectGarbage(run.hub);
  const idle = await settledResidentKiB(run.hub.pid);
  figure('hub RSS, idle', mib(idle.kib), 'MiB');
  const { swarm, head } = await stormFigures(run);
  try {
    await memoryFigures(run, idle.kib, barePerConnection);
    await restartFigures(run, swarm, head);
  } finally {
    await swarm.stop();
    await stopChild(run.hub, 20_000);
  }
}

export async function devicesBenchmark(): Promise<void> {
  const devices = plannedDevices();
  const { processes } = swarmOptions('', 'agent', devices);
  note(`${devices.toLocaleString('en-US')} simulated devices in ${processes} swarm processes; ${availableParallelism()} CPUs shared with the hub.`);
  note(`load average at the start: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (other work on the machine skews the timings).`);
  await withChildren(async () => {
    const barePerConnection = await bareBaseline(devices);
    const dataDir = mkdtempSync(join(tmpdir(), 'tether-bench-devices-'));
    // Also on SIGINT or SIGTERM, which end the process without running `finally`.
    const remove = (): void => rmSync(dataDir, { recursive: true, force: true });
    process.on('exit', remove);
    try {
      await hubFigures(devices, dataDir, barePerConnection);
      note(`load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    } finally {
      remove();
      process.off('exit', remove);
    }
  });
}
