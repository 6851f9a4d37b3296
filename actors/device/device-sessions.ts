// The devices' live control connections on this node, keyed by MAC (sockets never enter machine
// context), and who hears when one goes live, changes, or ends. Only the device's live module
// (device-live.ts) changes them, as the device's stored events say.
import type { DeviceInventory } from '../../domain/device/inventory.js';
import type { Mac } from '../../domain/device/mac.js';
import type { ControlConnection } from '../../data-plane/control-connection.js';

export interface Session {
  readonly mac: Mac;
  readonly link: ControlConnection;
  /** The tenant whose device proved it is on this connection; undefined: it shows as unassigned. */
  tenantId: string | undefined;
  /** What the device said of itself in its hello on this connection. */
  readonly inventory: DeviceInventory;
  /** The categories an admin set, as the device's events say (whichever node appended them). */
  adminCategories: readonly string[];
  /**
   * The hello was answered (welcome sent). Until then the session is not announced: nothing
   * but the hello's answer may reach a device before its welcome.
   */
  welcomed: boolean;
}

/** A device live on this node, as update and backup jobs need it. */
export interface LiveDevice {
  readonly connectionId: string;
  readonly tenantId: string | undefined;
  readonly inventory: DeviceInventory;
  readonly adminCategories: readonly string[];
}

export class DeviceSessions {
  private readonly sessions = new Map<string, Session>();
  private readonly endListeners: ((mac: Mac, connectionId: string) => void)[] = [];
  private readonly liveListeners: ((mac: Mac, device: LiveDevice) => void)[] = [];

  get size(): number {
    return this.sessions.size;
  }

  get(mac: string): Session | undefined {
    return this.sessions.get(mac);
  }

  /** Whether `session` is still the device's live connection here. */
  isLive(session: Session): boolean {
    return this.sessions.get(session.mac) === session;
  }

  set(session: Session): void {
    this.sessions.set(session.mac, session);
  }

  delete(mac: Mac): void {
    this.sessions.delete(mac);
  }

  values(): IterableIterator<Session> {
    return this.sessions.values();
  }

  onConnectionEnded(listener: (mac: Mac, connectionId: string) => void): void {
    this.endListeners.push(listener);
  }

  onDeviceLive(listener: (mac: Mac, device: LiveDevice) => void): void {
    this.liveListeners.push(listener);
  }

  /** Tells the listeners what the device live on this connection is now; nothing if it is no longer live here or not yet welcomed. */
  announce(session: Session): void {
    if (!this.isLive(session) || !session.welcomed) return;
    const { tenantId, inventory, adminCategories } = session;
    const device: LiveDevice = { connectionId: session.link.connectionId, tenantId, inventory, adminCategories };
    for (const listener of this.liveListeners) listener(session.mac, device);
  }

  /** The connection ended (its end is recorded, or could not be): what it carried ends with it. */
  ended(mac: Mac, link: ControlConnection): void {
    for (const listener of this.endListeners) listener(mac, link.connectionId);
  }
}
