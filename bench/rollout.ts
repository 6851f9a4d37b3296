// `npm run bench -- rollout`: update jobs over 5,000 simulated agents (the real gateway
// protocol, in swarm processes) against a hub in this process; each install takes 5 ms. The
// ideal is 5,000 / 20 × 5 ms = 1.25 s. Prints the measured time, its ratio to the ideal (goal
// ≤ 3×), the hub's CPU time per device (to JobCompleted, and until every device is back online,
// so that reconnects still queued at JobCompleted count too), and the most devices ever in
// flight, from the recorded events (must be exactly 20) and as the devices saw it. Two jobs on
// the same agents: first they keep their connection after installing (what the job machinery
// costs), then they close and reconnect at once with the new version in their hello, as the real
// agent does (adding a disconnect and a hello per device). The baseline, measured first in the
// same run: both rollouts of the same swarm against a bare dispatcher that records nothing
// (rollout-bare-dispatcher.ts), i.e. what this machine, the swarm and the sockets cost alone.
// N: TETHER_BENCH_ROLLOUT_DEVICES (5,000). TETHER_BENCH_HUB_PROFILE=DIR: CPU profiles of the hub (this
// process) for each rollout, DIR/rollout-<stay|at-once>.cpuprofile (POST to JobCompleted) and
// DIR/reconnects-<stay|at-once>.cpuprofile (from then until every device is back online).
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildHub } from '../api/hub.js';
import type { Hub } from '../api/hub.js';
import { listenBacklog } from '../api/listen-backlog.js';
import type { RecordedEvent } from '../domain/ports/event-store.js';
import { startNode, stopChild, withChildren } from './child-processes.js';
import type { Child } from './child-processes.js';
import { figure, note } from './figures.js';
import { profiled } from './in-process-profile.js';
import { startBareDispatcher } from './rollout-bare-dispatcher.js';
import type { BareRollout } from './rollout-bare-dispatcher.js';
import type { AfterInstall, RolloutSwarmCommand, RolloutSwarmInstalls, RolloutSwarmReport } from './rollout-protocol.js';

const installMs = 5;
const afterInstalls: readonly AfterInstall[] = ['stay', 'at-once'];
/** The firmware the i-th rollout installs; the agents start at 1.0. */
const versionOf = (i: number): string => `${i + 2}.0`;
const concurrency = 20;
const adminPassword = 'rollout-bench-admin-password';
const tenant = 'bench';

function requestedDevices(): number {
  const raw = process.env.TETHER_BENCH_ROLLOUT_DEVICES ?? '5000';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`TETHER_BENCH_ROLLOUT_DEVICES must be a positive integer (got ${JSON.stringify(raw)})`);
  return n;
}

interface Swarm {
  readonly child: Child;
  assigned: number;
  updated: number;
  online: number;
  problems: Readonly<Record<string, number>>;
  installs?: RolloutSwarmInstalls;
}

function startSwarm(url: string, codes: readonly string[], firstIndex: number, count: number): Promise<Swarm> {
  const script = fileURLToPath(new URL('./rollout-swarm.js', import.meta.url));
  const child = startNode(script, [], { descriptors: count + 256, ipc: true });
  const swarm: Swarm = { child, assigned: 0, updated: 0, online: 0, problems: {} };
  return new Promise((resolve, reject) => {
    void child.exited.then((how) => reject(new Error(`a swarm process ended (${how}): ${child.output()}`)));
    child.process.on('message', (message: RolloutSwarmReport) => {
      if (message.type === 'ready') {
        const start: RolloutSwarmCommand = { type: 'start', url, codes, firstIndex, count, window: 64, installMs };
        child.process.send(start);
        resolve(swarm);
      } else if (message.type === 'progress') {
        swarm.assigned = message.assigned;
        swarm.updated = message.updated;
        swarm.online = message.online;
        swarm.problems = message.problems;
      } else swarm.installs = message;
    });
  });
}

const onlineOf = (swarms: readonly Swarm[]): number => swarms.reduce((sum, swarm) => sum + swarm.online, 0);

async function until(what: string, holds: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!holds()) {
    if (performance.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function call(hub: Hub, method: 'POST' | 'PUT', url: string, payload: object, token?: string): Promise<Record<string, unknown>> {
  const response = await hub.app.inject({ method, url, payload, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
  return response.json() as Record<string, unknown>;
}

/** Resolves with the first JobCompleted appended from now on (subscribe before the job exists). */
function completions(hub: Hub): { readonly next: Promise<RecordedEvent>; close(): Promise<void> } {
  const subscription = hub.store.subscribeToAll({ after: 'end', filter: { streamPrefixes: ['updatejob-'], eventTypes: ['JobCompleted'] } });
  const next = (async () => {
    for await (const event of subscription) return event;
    throw new Error('the store closed before the job completed');
  })();
  return { next, close: () => subscription.close() };
}

async function jobEvents(hub: Hub, stream: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (let from = 0; ; ) {
    const page = await hub.store.readStream(stream, { fromRevision: from, maxCount: 10_000 });
    events.push(...page);
    if (page.length < 10_000) return events;
    from += page.length;
  }
}

const macsOf = (event: RecordedEvent): unknown[] => (Array.isArray(event.data.devices) ? event.data.devices.map((device: { mac?: unknown }) => device.mac) : []);

/** The most attempts in flight at once, replaying the job's events in order. */
function maxInFlight(events: readonly RecordedEvent[]): number {
  const flying = new Set<unknown>();
  let max = 0;
  for (const event of events) {
    if (event.type === 'JobDevicesDispatched') macsOf(event).forEach((mac) => flying.add(mac));
    if (event.type === 'JobDevicesSettled') macsOf(event).forEach((mac) => flying.delete(mac));
    max = Math.max(max, flying.size);
  }
  return max;
}

/** The most intervals overlapping at one moment. */
function maxOverlap(intervals: readonly (readonly [number, number])[]): number {
  const edges = intervals.flatMap(([start, end]) => [[start, 1], [end, -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, delta] of edges) {
    now += delta;
    max = Math.max(max, now);
  }
  return max;
}

interface RolloutContext {
  readonly hub: Hub;
  readonly token: string;
  readonly swarms: readonly Swarm[];
  readonly devices: number;
  readonly bare: Readonly<Record<AfterInstall, BareRollout>>;
}

async function rollOut(context: RolloutContext, version: string, behaviour: AfterInstall): Promise<void> {
  const { hub, token, swarms, devices, bare } = context;
  await until('every device back online', () => onlineOf(swarms) >= devices, 120_000);
  swarms.forEach((swarm) => {
    swarm.installs = undefined;
    swarm.child.process.send({ type: 'after-install', behaviour } satisfies RolloutSwarmCommand);
  });
  const completed = completions(hub);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const readModelsBefore = hub.readModels.stats();
  const job = await profiled(`rollout-${behaviour}`, async () => {
    const created = await call(hub, 'POST', '/api/v1/update-jobs', { name: `bench ${version}`, tenants: [tenant], categories: [], target: { kind: 'firmware', version } }, token);
    await completed.next;
    return created;
  });
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const readModelsAfter = hub.readModels.stats();
  await completed.close();
  // What the job left to do (reconnecting devices say hello) counts too: CPU over the whole cycle
  // does not depend on how much of that work fell before JobCompleted.
  await profiled(`reconnects-${behaviour}`, () => until('every device back online after the job', () => onlineOf(swarms) >= devices, 120_000));
  const cycleCpu = process.cpuUsage(cpuBefore);

  const events = await jobEvents(hub, `updatejob-${String(job.id)}`);
  const startedAt = Date.parse(events.find((event) => event.type === 'JobStarted')?.metadata.at ?? '');
  const completedAt = Date.parse(events.find((event) => event.type === 'JobCompleted')?.metadata.at ?? '');
  const succeeded = events
    .filter((event) => event.type === 'JobDevicesSettled')
    .flatMap((event) => (Array.isArray(event.data.devices) ? event.data.devices : []))
    .filter((device: { outcome?: unknown }) => device.outcome === 'succeeded').length;
  swarms.forEach((swarm) => swarm.child.process.send({ type: 'report-installs' } satisfies RolloutSwarmCommand));
  await until('install reports', () => swarms.every((swarm) => swarm.installs !== undefined), 10_000);
  const installs = swarms.flatMap((swarm) => swarm.installs?.installs ?? []);

  const label = behaviour === 'stay' ? 'agents stay connected' : 'agents reconnect after installing';
  const ideal = (devices / concurrency) * installMs;
  note(`${label}${behaviour === 'stay' ? ' (the job machinery alone)' : ', as the agent does (+ a disconnect and a hello per device)'}:`);
  figure(`  rollout of ${devices.toLocaleString('en-US')} devices, POST to JobCompleted`, elapsed, 'ms');
  figure('  JobStarted to JobCompleted (recorded times)', completedAt - startedAt, 'ms');
  figure(`  ideal: ${devices.toLocaleString('en-US')} / ${concurrency} × ${installMs} ms`, ideal, 'ms');
  figure('  ratio to the ideal', elapsed / ideal, '×', { op: '<=', value: 3 });
  figure('  ... the bare dispatcher in this run (keeps nothing)', bare[behaviour].elapsedMs / ideal, '×');
  figure('  this rollout vs the bare dispatcher', elapsed / bare[behaviour].elapsedMs, '×');
  figure('  hub CPU per device (this process: user + system)', (cpu.user + cpu.system) / devices, 'µs');
  figure('  ... until every device is back online', (cycleCpu.user + cycleCpu.system) / devices, 'µs');
  figure('  devices updated (recorded successes)', succeeded, 'devices', { op: '>=', value: devices });
  const applied = readModelsAfter.applied - readModelsBefore.applied;
  const commits = readModelsAfter.batches - readModelsBefore.batches;
  figure('  events applied to the read models', applied, `(${(applied / Math.max(1, commits)).toFixed(1)} per commit)`);
  const appends = new Set(events.map((event) => event.metadata.correlationId)).size;
  figure('  appends to the job stream', appends, `(${(devices / appends).toFixed(1)} devices each)`);
  const recorded = maxInFlight(events);
  figure('  most devices in flight at once (recorded events)', recorded, 'devices');
  note(recorded === concurrency ? `  exactly ${concurrency}: goal met` : `  goal (exactly ${concurrency}) NOT met`);
  figure('  most installs at once (as the devices saw them)', maxOverlap(installs), 'devices');
}

/** The swarm processes for `devices` agents, once every agent is welcomed in the tenant. */
async function startSwarms(url: string, codes: readonly string[], devices: number): Promise<Swarm[]> {
  const processes = Math.min(4, Math.max(1, Math.ceil(devices / 1500)));
  const per = Math.ceil(devices / processes);
  const swarms = await Promise.all(Array.from({ length: processes }, (_, p) => startSwarm(url, codes, p * per, Math.min(per, devices - p * per))));
  await until('every device assigned and online', () => swarms.reduce((sum, s) => sum + s.assigned, 0) >= devices, 120_000 + devices * 20);
  return swarms;
}

/** Both rollouts against the bare dispatcher, with swarms of their own. */
async function bareBaseline(devices: number): Promise<Record<AfterInstall, BareRollout>> {
  const dispatcher = await startBareDispatcher();
  try {
    return await withChildren(async () => {
      const swarms = await startSwarms(dispatcher.url, ['bare'], devices);
      const rollouts: Partial<Record<AfterInstall, BareRollout>> = {};
      for (const [i, behaviour] of afterInstalls.entries()) {
        await until('every device online at the bare dispatcher', () => onlineOf(swarms) >= devices, 120_000);
        swarms.forEach((swarm) => swarm.child.process.send({ type: 'after-install', behaviour } satisfies RolloutSwarmCommand));
        rollouts[behaviour] = await dispatcher.rollOut(versionOf(i), concurrency);
      }
      await Promise.all(swarms.map((swarm) => stopChild(swarm.child, 2000)));
      const { stay, 'at-once': atOnce } = rollouts;
      if (stay === undefined || atOnce === undefined) throw new Error('a bare rollout did not run');
      note(`baseline: the same swarm against a bare dispatcher (hello → welcome, ${concurrency} updates at a time, nothing recorded):`);
      figure('  agents stay connected', stay.elapsedMs, 'ms');
      figure('  agents reconnect after installing', atOnce.elapsedMs, 'ms');
      figure('  most updates in flight at once', Math.max(stay.maxInFlight, atOnce.maxInFlight), 'devices');
      return { stay, 'at-once': atOnce };
    });
  } finally {
    await dispatcher.close();
  }
}

export async function rolloutBenchmark(): Promise<void> {
  const devices = requestedDevices();
  note(`load average at the start: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (other work on the machine skews the timings).`);
  const bare = await bareBaseline(devices);
  const dataDir = mkdtempSync(join(tmpdir(), 'tether-bench-rollout-'));
  // Every simulated agent dials from 127.0.0.1: the gateway's limits per address must not count them as one flood.
  const gatewayLimits = { connectionsPerIp: 1_000_000, hellosPerSecondPerIp: 1_000_000, registrationsPerHourPerIp: 1_000_000 };
  const hub = await buildHub({ dataDir, nodeId: 'bench', adminPassword, logLevel: 'warn', gatewayLimits, jobs: { resumeGraceMs: 0, updateConcurrency: concurrency } });
  try {
    await withChildren(async () => {
      await hub.app.listen({ port: 0, host: '127.0.0.1', backlog: listenBacklog });
      const url = `ws://127.0.0.1:${(hub.app.server.address() as AddressInfo).port}/gateway`;
      const token = String((await call(hub, 'POST', '/api/v1/auth/login', { password: adminPassword })).token);
      await call(hub, 'POST', '/api/v1/tenants', { id: tenant, name: 'Bench', password: 'bench-tenant-password' }, token);
      // Codes are redeemed one at a time each: several let the devices join side by side.
      const codes: string[] = [];
      for (let i = 0; i < 16; i += 1) {
        codes.push(String((await call(hub, 'POST', `/api/v1/tenants/${tenant}/provisioning-codes`, { maxUses: Math.ceil(devices / 16) + 1 }, token)).code));
      }
      const versions = ['1.0', ...afterInstalls.map((_, i) => versionOf(i))];
      const firmware = { devices: [{ id: 'IP232', versions }], versions: versions.map((id, i) => ({ id, build: String(i + 1), text: id, wiki: '' })) };
      await call(hub, 'PUT', '/api/v1/catalog/firmware', { document: firmware, baseUrl: 'http://artifacts.invalid/fw' }, token);

      const connectStart = performance.now();
      const swarms = await startSwarms(url, codes, devices);
      figure(`setup: ${devices.toLocaleString('en-US')} agents online in the tenant after`, performance.now() - connectStart, 'ms');

      for (const [i, behaviour] of afterInstalls.entries()) await rollOut({ hub, token, swarms, devices, bare }, versionOf(i), behaviour);
      const problems = swarms.flatMap((swarm) => Object.entries(swarm.problems));
      if (problems.length > 0) note(`problems seen by the agents: ${problems.map(([kind, n]) => `${kind} ×${n}`).join('; ')}`);
      await Promise.all(swarms.map((swarm) => stopChild(swarm.child, 2000)));
      note(`load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    });
  } finally {
    await hub.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
