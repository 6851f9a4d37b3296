// The agents of this node running with --service-endpoint: they said so after their welcome,
// and a dtt-reverse application may name them as its target endpoint. An endpoint counts only
// while the connection that said so lasts, and only once it proved its tenant (its device
// password): an unproved connection could be anyone claiming the MAC.
import type { Mac } from '../../domain/device/mac.js';

export class ServiceEndpoints {
  private readonly endpoints = new Map<Mac, string>();

  announced(mac: Mac, connectionId: string): void {
    this.endpoints.set(mac, connectionId);
  }

  ended(mac: Mac, connectionId: string): void {
    if (this.endpoints.get(mac) === connectionId) this.endpoints.delete(mac);
  }

  /** The connection id of the endpoint's announcement, if it is one. */
  connectionOf(mac: Mac): string | undefined {
    return this.endpoints.get(mac);
  }

  list(): Mac[] {
    return [...this.endpoints.keys()].sort();
  }
}
