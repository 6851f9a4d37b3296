// The devices a job scheduler may dispatch to: those online on this node (OnlineDevices, fed
// by their hellos) and those online on the other nodes of the cluster, as their device streams
// say (the connection's node, tenant and inventory are recorded on connection). A device held
// here is this node's to say; one held elsewhere is followed from the log.
import { deviceAggregate } from '../../domain/device/aggregate.js';
import { isMac } from '../../domain/device/mac.js';
import type { Mac } from '../../domain/device/mac.js';
import type { EventStore, RecordedEvent } from '../../domain/ports/event-store.js';
import { idOf } from '../../domain/stream-name.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import { followLog } from '../runtime/log-follower.js';
import type { LogFollower } from '../runtime/log-follower.js';
import type { LogReader } from '../runtime/log-scan.js';
import type { OnlineDevices, OnlineEntry } from '../device/online-devices.js';

/** Online devices as the job pool reads them. */
export interface DeviceDirectory {
  get(mac: Mac): OnlineEntry | undefined;
  all(): Iterable<OnlineEntry>;
  /** Heard at each hello (here) or connection (elsewhere). */
  onLive(listener: (entry: OnlineEntry) => void): void;
}

export interface ClusterDevicesOptions {
  readonly runtime: ActorRuntime;
  readonly store: EventStore;
  readonly nodeId: string;
  readonly local: OnlineDevices;
  readonly logger: { error(details: object, message: string): void };
}

const streamPrefix = `${deviceAggregate.category}-`;

export class ClusterDevices implements DeviceDirectory, LogReader {
  private readonly elsewhere = new Map<Mac, OnlineEntry>();
  /** Devices the start-up scan saw connect to another node: loaded at start. */
  private readonly connectedElsewhere = new Set<Mac>();
  private readonly listeners: ((entry: OnlineEntry) => void)[] = [];
  private following: LogFollower | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly options: ClusterDevicesOptions) {
    options.local.onLive((entry) => this.listeners.forEach((listener) => listener(entry)));
  }

  read(event: RecordedEvent): void {
    const mac = idOf(event.stream);
    if (!event.stream.startsWith(streamPrefix) || !isMac(mac)) return;
    if (event.type === 'DeviceConnected' && event.data.nodeId !== this.options.nodeId) this.connectedElsewhere.add(mac);
    else if (event.type === 'DeviceConnected' || event.type === 'DeviceDisconnected') this.connectedElsewhere.delete(mac);
  }

  /** Follows device events from now on, then loads those the start-up scan found online elsewhere: no connection falls between. */
  async start(): Promise<void> {
    const { store, logger } = this.options;
    this.following = followLog(
      store,
      { streamPrefixes: [streamPrefix], eventTypes: ['DeviceConnected', 'DeviceDisconnected', 'DeviceAssigned', 'DeviceUnassigned', 'DeviceDetailsSet'] },
      (event) => this.refresh(idOf(event.stream)),
      (error) => logger.error({ err: error }, 'stopped following the devices of other hub nodes'),
    );
    for (const mac of this.connectedElsewhere) this.refresh(mac);
    this.connectedElsewhere.clear();
    await this.chain;
  }

  async stop(): Promise<void> {
    await this.following?.close();
    await this.chain;
  }

  get(mac: Mac): OnlineEntry | undefined {
    return this.options.local.get(mac) ?? this.elsewhere.get(mac);
  }

  *all(): Iterable<OnlineEntry> {
    yield* this.options.local.all();
    for (const entry of this.elsewhere.values()) if (this.options.local.get(entry.mac) === undefined) yield entry;
  }

  onLive(listener: (entry: OnlineEntry) => void): void {
    this.listeners.push(listener);
  }

  /** Loads the device's state in turn (events of one device are taken in order) and keeps it if it is online elsewhere. */
  private refresh(mac: string): void {
    if (!isMac(mac)) return;
    this.chain = this.chain.then(async () => {
      try {
        const { state } = await this.options.runtime.load(deviceAggregate, mac);
        const { connectionId, nodeId, authenticated, tenantId, model, firmware, apps, software, categories, adminCategories } = state.context;
        if (connectionId === undefined || nodeId === undefined || nodeId === this.options.nodeId) {
          this.elsewhere.delete(mac);
          return;
        }
        const inventory = { model, firmware, apps: [...apps], software: [...software], categories: [...categories] };
        const entry: OnlineEntry = { mac, connectionId, tenantId: authenticated ? tenantId : undefined, ...inventory, adminCategories };
        this.elsewhere.set(mac, entry);
        this.listeners.forEach((listener) => listener(entry));
      } catch (error) {
        this.options.logger.error({ err: error, mac }, 'a device of another hub node could not be read');
      }
    });
  }
}
