// Several hub nodes on one store, each with its own runtime, job pool and devices: one node
// holds the kind's scheduler lease and dispatches to devices on every node; each node sends to
// the devices it holds and records their answers; when the holder stops renewing, another
// node takes the lease over and finishes the job. Concurrency holds, from the stored events.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackupJobSupervisor } from '../../actors/backup-job/backup-job-supervisor.js';
import { OnlineDevices } from '../../actors/device/online-devices.js';
import type { OnlineEntry } from '../../actors/device/online-devices.js';
import type { DeviceDirectory } from '../../actors/job/cluster-devices.js';
import { SchedulerLease } from '../../actors/job/scheduler-lease.js';
import type { ActorRuntime } from '../../actors/runtime/actor-runtime.js';
import { SecretSeal } from '../../actors/secrets/secret-seal.js';
import type { Mac } from '../../domain/device/mac.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { admin, RuntimeFixture, storedEvent } from './runtime/runtime-fixture.js';
import { deviceRecords, macOf, RecordingChannel, RecordingLogger, tenant } from './job-supervisor-fixture.js';

const leaseMs = 3000;
const seal = new SecretSeal(randomBytes(32));

/** The devices online on any of the nodes: what each node's follower of device events would show. */
class Cluster implements DeviceDirectory {
  constructor(private readonly nodes: readonly OnlineDevices[]) {}
  get(mac: Mac): OnlineEntry | undefined {
    return this.nodes.map((node) => node.get(mac)).find((entry) => entry !== undefined);
  }
  *all(): Iterable<OnlineEntry> {
    for (const node of this.nodes) yield* node.all();
  }
  onLive(listener: (entry: OnlineEntry) => void): void {
    this.nodes.forEach((node) => node.onLive(listener));
  }
}

interface HubNode {
  readonly runtime: ActorRuntime;
  readonly online: OnlineDevices;
  readonly channel: RecordingChannel;
  readonly lease: SchedulerLease;
  readonly backups: BackupJobSupervisor;
}

/** Most devices in flight at once in the job, replaying its dispatches and settlements in order. */
function mostInFlight(events: readonly RecordedEvent[]): number {
  const inFlight = new Set<string>();
  let most = 0;
  for (const event of events) {
    for (const { mac } of deviceRecords([event], 'JobDevicesDispatched')) inFlight.add(mac);
    for (const { mac } of deviceRecords([event], 'JobDevicesSettled')) inFlight.delete(mac);
    most = Math.max(most, inFlight.size);
  }
  return most;
}

describe('one job scheduler across several hub nodes', () => {
  let fixture: RuntimeFixture;
  const logger = new RecordingLogger();
  let onlines: OnlineDevices[];
  let nodes: HubNode[];
  let connections = 0;

  function hubNode(name: string, online: OnlineDevices): HubNode {
    const store = fixture.openStore();
    const runtime = fixture.runtime({ store });
    const channel = new RecordingChannel();
    const lease = new SchedulerLease({ runtime, clock: fixture.clock, nodeId: name, leaseMs, kind: 'backupjob', logger });
    const backups = new BackupJobSupervisor({ runtime, store, clock: fixture.clock, online, channel, logger, resumeGraceMs: 0, directory: new Cluster(onlines), scheduler: lease, seal });
    return { runtime, online, channel, lease, backups };
  }

  const hello = (node: HubNode, mac: Mac): void => {
    connections += 1;
    node.online.live(mac, {
      connectionId: `connection-${connections}`,
      tenantId: tenant,
      inventory: { model: 'IP232', firmware: '13r1', apps: [], software: [], categories: [] },
      adminCategories: [],
    });
  };

  beforeEach(async () => {
    fixture = new RuntimeFixture();
    const [a, b] = [new OnlineDevices(), new OnlineDevices()];
    onlines = [a, b];
    nodes = [hubNode('a', a), hubNode('b', b)];
    for (const node of nodes) await node.backups.start([]);
    for (const node of nodes) await node.lease.start();
  });

  afterEach(async () => {
    for (const node of nodes) await node.backups.stop();
    await fixture.close();
  });

  it('dispatches from the holder to devices on every node; on the holder lost, another node takes over and finishes, each device once', async () => {
    const [a, b] = nodes;
    if (a === undefined || b === undefined) throw new Error('two nodes');
    expect([a.lease.held, b.lease.held]).toEqual([true, false]);
    [1, 2, 3].forEach((i) => hello(a, macOf(i)));
    [4, 5, 6].forEach((i) => hello(b, macOf(i)));

    // Created on the node that does not schedule: the holder starts it and dispatches two.
    const { jobId } = await b.backups.create({ name: 'nightly', tenants: [tenant], categories: [], target: { url: 'https://dav.example/b', auth: { type: 'none' } }, concurrency: 2 }, admin);
    const stream = `backupjob-${jobId}`;
    await a.channel.until(2);
    expect(a.channel.sent.map(({ mac }) => mac)).toEqual([macOf(1), macOf(2)]);
    expect(b.channel.sent).toEqual([]);

    // The holder is lost: it stops renewing and releases nothing; its devices' connections end.
    await a.backups.stop();
    await a.runtime.stop();
    for (const device of [...a.online.all()]) a.online.ended(device.mac, device.connectionId);
    b.channel.answer = ({ mac }) => b.backups.result(mac, { type: 'backup-result', jobId, ok: true, bytes: 1 });
    const taken = new Promise<boolean>((resolve) => b.lease.onTaken(resolve));
    fixture.clock.advance(leaseMs + 1);
    expect(await taken).toBe(true);
    expect(b.lease.held).toBe(true);
    // The new holder times out the lost node's attempts by their deadline, then dispatches the rest (two at a time) to its own devices.
    const completed = storedEvent(fixture.store, { streamPrefixes: [stream], eventTypes: ['JobCompleted'] }, 10_000);
    fixture.clock.advance(600_000);
    await completed;

    const events = await fixture.stream(stream);
    expect(deviceRecords(events, 'JobDevicesDispatched').map(({ mac }) => mac)).toEqual([1, 2, 4, 5, 6].map(macOf));
    expect(mostInFlight(events)).toBeLessThanOrEqual(2);
    expect(deviceRecords(events, 'JobDevicesSettled').map(({ mac, outcome }) => `${mac} ${String(outcome)}`)).toEqual([
      `${macOf(1)} failed`,
      `${macOf(2)} failed`,
      ...[4, 5, 6].map((i) => `${macOf(i)} succeeded`),
    ]);
    expect(b.channel.sent.map(({ mac }) => mac)).toEqual([4, 5, 6].map(macOf));
    const holders = (await fixture.stream('jobscheduler-backupjob')).map((event) => event.data.nodeId);
    expect([holders[0], holders.at(-1)]).toEqual(['a', 'b']);
  });

  it('pauses a job through the node that does not schedule it and resumes it through the one that does: nothing goes out while paused, each device once', async () => {
    const [a, b] = nodes;
    if (a === undefined || b === undefined) throw new Error('two nodes');
    [1, 2].forEach((i) => hello(a, macOf(i)));
    [3, 4].forEach((i) => hello(b, macOf(i)));
    const { jobId } = await a.backups.create({ name: 'nightly', tenants: [tenant], categories: [], target: { url: 'https://dav.example/b', auth: { type: 'none' } }, concurrency: 1 }, admin);
    const stream = `backupjob-${jobId}`;
    await a.channel.until(1);
    await b.backups.command(jobId, { type: 'PauseJob' }, admin);
    const settled = storedEvent(fixture.store, { streamPrefixes: [stream], eventTypes: ['JobDevicesSettled'] });
    a.backups.result(macOf(1), { type: 'backup-result', jobId, ok: true, bytes: 1 });
    await settled;
    expect(deviceRecords(await fixture.stream(stream), 'JobDevicesDispatched').map(({ mac }) => mac)).toEqual([macOf(1)]);

    for (const node of nodes) node.channel.answer = ({ mac }) => node.backups.result(mac, { type: 'backup-result', jobId, ok: true, bytes: 2 });
    const completed = storedEvent(fixture.store, { streamPrefixes: [stream], eventTypes: ['JobCompleted'] });
    await a.backups.command(jobId, { type: 'ResumeJob' }, admin);
    await completed;
    const events = await fixture.stream(stream);
    expect([...deviceRecords(events, 'JobDevicesDispatched').map(({ mac }) => mac)].sort()).toEqual([1, 2, 3, 4].map(macOf));
    expect(mostInFlight(events)).toBe(1);
    expect([...a.channel.sent, ...b.channel.sent].map(({ mac }) => mac).sort()).toEqual([1, 2, 3, 4].map(macOf));
  });
});
