// Where devices are to dial the hub (the seed's change of the hub's IP address or DNS name):
// every device connected to this node is told when an admin sets it, through whichever node,
// and every device that connects later is told after its welcome, old address or not.
import type { Mac } from '../../domain/device/mac.js';
import { instanceAggregate } from '../../domain/instance/aggregate.js';
import { instanceAdminId } from '../../domain/instance/commands.js';
import { HubUrls } from '../../domain/instance/hub-url.js';
import type { HubUrl } from '../../domain/instance/hub-url.js';
import type { HubMessage } from '../../domain/gateway/hub-messages.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import type { ControlConnection } from '../../data-plane/control-connection.js';
import { followLog } from '../runtime/log-follower.js';
import type { LogFollower } from '../runtime/log-follower.js';

/** The part of the device supervisor this needs: who is live here, and their connections. */
export interface LiveDevices {
  connectionOf(mac: Mac): { readonly link: ControlConnection } | undefined;
  onDeviceLive(listener: (mac: Mac, device: { readonly connectionId: string }) => void): void;
  onConnectionEnded(listener: (mac: Mac, connectionId: string) => void): void;
}

export interface HubAddressBookOptions {
  readonly runtime: ActorRuntime;
  readonly store: EventStore;
  readonly devices: LiveDevices;
  readonly logger: { error(details: object, message: string): void };
}

export class HubAddressBook {
  private urls: readonly HubUrl[] = [];
  /** The devices live here, each with the connection already told (a device is live again when its tenant changes). */
  private readonly live = new Map<Mac, string>();
  private following: LogFollower | undefined;

  constructor(private readonly options: HubAddressBookOptions) {
    options.devices.onDeviceLive((mac, { connectionId }) => {
      if (this.live.get(mac) === connectionId) return;
      this.live.set(mac, connectionId);
      this.tell(mac);
    });
    options.devices.onConnectionEnded((mac, connectionId) => {
      if (this.live.get(mac) === connectionId) this.live.delete(mac);
    });
  }

  /** Follows the address from now on, then reads what it is: no change falls between the two. */
  async start(): Promise<void> {
    const { runtime, store, logger } = this.options;
    let heard = false;
    this.following = followLog(
      store,
      { streamPrefixes: [`${instanceAggregate.category}-`], eventTypes: ['HubAddressSet'] },
      (event) => {
        const { urls } = event.data;
        if (!HubUrls.is(urls)) return;
        heard = true;
        this.urls = urls;
        for (const mac of this.live.keys()) this.tell(mac);
      },
      (error) => logger.error({ err: error }, 'stopped following the hub address'),
    );
    const { state } = await runtime.load(instanceAggregate, instanceAdminId);
    if (!heard) this.urls = state.context.hubUrls;
  }

  async close(): Promise<void> {
    await this.following?.close();
  }

  private tell(mac: Mac): void {
    if (this.urls.length === 0) return;
    const link = this.options.devices.connectionOf(mac)?.link;
    const message: HubMessage = { type: 'hub-address', urls: this.urls };
    if (link?.open === true) link.send(message);
  }
}
