// Hub nodes on one store for the job scheduler's tests: each with its own store connection
// (whose deliveries can be held back), runtime, devices, backup job pool and scheduler lease.
import { randomBytes } from 'node:crypto';
import { BackupJobSupervisor } from '../../actors/backup-job/backup-job-supervisor.js';
import { OnlineDevices } from '../../actors/device/online-devices.js';
import type { OnlineEntry } from '../../actors/device/online-devices.js';
import type { DeviceDirectory } from '../../actors/job/cluster-devices.js';
import { SchedulerLease } from '../../actors/job/scheduler-lease.js';
import type { ActorRuntime } from '../../actors/runtime/actor-runtime.js';
import { SecretSeal } from '../../actors/secrets/secret-seal.js';
import type { Mac } from '../../domain/device/mac.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { watchedStore } from '../support/watched-store.js';
import type { WatchedStore } from '../support/watched-store.js';
import { RuntimeFixture } from './runtime/runtime-fixture.js';
import { RecordingChannel, RecordingLogger, tenant } from './job-supervisor-fixture.js';

export const leaseMs = 3000;
export const leaseStream = 'jobscheduler-backupjob';
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

/** A lease whose pool's wishes can be waited on. */
class WatchedLease extends SchedulerLease {
  private lastWish = false;
  private readonly waiters: { wanted: boolean; resolve: () => void }[] = [];

  override want(wanted: boolean): void {
    this.lastWish = wanted;
    for (const waiter of this.waiters.filter((w) => w.wanted === wanted)) waiter.resolve();
    super.want(wanted);
  }

  /** Resolves once the pool says its jobs need a scheduler (or need none), at once if it said so last. */
  async untilWanted(wanted: boolean, timeoutMs = 5000): Promise<void> {
    if (this.lastWish === wanted) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the pool did not say want(${String(wanted)}) within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        wanted,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}

export interface HubNode {
  readonly store: WatchedStore;
  readonly runtime: ActorRuntime;
  readonly online: OnlineDevices;
  readonly channel: RecordingChannel;
  readonly logger: RecordingLogger;
  readonly lease: WatchedLease;
  readonly backups: BackupJobSupervisor;
}

export class JobClusterFixture extends RuntimeFixture {
  readonly nodes: HubNode[];
  private readonly onlines: OnlineDevices[];
  private connections = 0;

  constructor(names: readonly string[]) {
    super();
    this.onlines = names.map(() => new OnlineDevices());
    this.nodes = names.map((name, i) => this.hubNode(name, this.onlines[i] ?? new OnlineDevices()));
  }

  node(index: number): HubNode {
    const node = this.nodes[index];
    if (node === undefined) throw new Error(`no node ${index}`);
    return node;
  }

  /** Nodes of these names, their job pools started. */
  static async started(names: readonly string[]): Promise<JobClusterFixture> {
    const fixture = new JobClusterFixture(names);
    for (const node of fixture.nodes) await node.backups.start([]);
    return fixture;
  }

  hello(node: HubNode, mac: Mac): void {
    this.connections += 1;
    node.online.live(mac, {
      connectionId: `connection-${this.connections}`,
      tenantId: tenant,
      inventory: { model: 'IP232', firmware: '13r1', apps: [], software: [], categories: [] },
      adminCategories: [],
    });
  }

  /** The lease stream's events; none before the lease was first taken. */
  async leaseEvents(): Promise<RecordedEvent[]> {
    return (await this.store.readAll()).filter((event) => event.stream === leaseStream);
  }

  /** The first event of the lease stream of this type by this node, waiting for it to be stored. */
  async leaseEvent(type: 'SchedulerLeaseHeld' | 'SchedulerLeaseReleased', nodeId: string, timeoutMs = 5000): Promise<RecordedEvent> {
    const subscription = this.store.subscribeToAll({ filter: { streamPrefixes: [leaseStream], eventTypes: [type] } });
    const timer = setTimeout(() => void subscription.close(), timeoutMs);
    try {
      for await (const event of subscription) if (event.data.nodeId === nodeId) return event;
      throw new Error(`no ${type} by ${nodeId} within ${timeoutMs} ms`);
    } finally {
      clearTimeout(timer);
      await subscription.close();
    }
  }

  /** Lets the clock run `ms` in steps of a third of a lease (a bid's pace), each step's work done before the next. */
  async idle(ms: number): Promise<void> {
    for (let passed = 0; passed < ms; passed += leaseMs / 3) {
      this.clock.advance(leaseMs / 3);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  override async close(): Promise<void> {
    for (const node of this.nodes) {
      await node.lease.stop();
      await node.backups.stop();
    }
    await super.close();
  }

  private hubNode(name: string, online: OnlineDevices): HubNode {
    const store = watchedStore(this.openStore());
    const runtime = this.runtime({ store });
    const channel = new RecordingChannel();
    const logger = new RecordingLogger();
    const lease = new WatchedLease({ runtime, clock: this.clock, nodeId: name, leaseMs, kind: 'backupjob', logger });
    const directory = new Cluster(this.onlines);
    const backups = new BackupJobSupervisor({ runtime, store, clock: this.clock, online, channel, logger, resumeGraceMs: 0, directory, scheduler: lease, seal });
    return { store, runtime, online, channel, logger, lease, backups };
  }
}
