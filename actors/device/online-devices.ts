// The devices connected to this node right now, with the tenant their connection proved and
// what their last hello said, and the categories an admin set: what the job supervisors pick devices from. Fed by the device
// supervisor (a hello answered, a tenant or the admin's categories changed, a connection ended).
import type { Mac } from '../../domain/device/mac.js';
import type { OnlineDevice } from '../../domain/job/job-suitability.js';
import type { LiveDevice } from './device-sessions.js';

export interface OnlineEntry extends OnlineDevice {
  readonly mac: Mac;
  readonly connectionId: string;
}

export class OnlineDevices {
  private readonly devices = new Map<Mac, OnlineEntry>();
  private readonly listeners: ((entry: OnlineEntry) => void)[] = [];

  /** A device said hello (or its tenant or admin-set categories changed): listeners hear it after the registry knows it. */
  live(mac: Mac, device: LiveDevice): void {
    const entry: OnlineEntry = { mac, connectionId: device.connectionId, tenantId: device.tenantId, ...device.inventory, adminCategories: device.adminCategories };
    this.devices.set(mac, entry);
    for (const listener of this.listeners) listener(entry);
  }

  /** A connection ended; a newer connection of the same device stays. */
  ended(mac: Mac, connectionId: string): void {
    if (this.devices.get(mac)?.connectionId === connectionId) this.devices.delete(mac);
  }

  get(mac: Mac): OnlineEntry | undefined {
    return this.devices.get(mac);
  }

  all(): IterableIterator<OnlineEntry> {
    return this.devices.values();
  }

  onLive(listener: (entry: OnlineEntry) => void): void {
    this.listeners.push(listener);
  }
}
