import type { InstalledApp } from '../../domain/device/inventory.js';

import type { DeviceListState } from '../../domain/device/listing.js';

export type { DeviceListState };

/** What a caller allowed to see a device may read: never its password hash. */
export interface DeviceView {
  /** As the API writes it: `00:11:22:AA:BB:CC` (formatMac). */
  readonly mac: string;
  /** Null while the device shows as unassigned, even if an assignment is kept for its return. */
  readonly tenant: string | null;
  readonly state: DeviceListState;
  /** Whether a control connection is live, authenticated or not. */
  readonly online: boolean;
  /** Address of the current or last connection. */
  readonly ip: string | null;
  /** Time of the last connect or disconnect. */
  readonly lastSeen: string | null;
  /** Start of the live connection; null while offline. */
  readonly connectedSince: string | null;
  readonly model: string;
  readonly firmware: string;
  readonly apps: readonly InstalledApp[];
  /** Software packages (software.json ids) the device reports installed. */
  readonly software: readonly InstalledApp[];
  /** As the device reports them. */
  readonly categories: readonly string[];
  /** Set by an admin; null when none is set. */
  readonly name: string | null;
  readonly site: string | null;
  /** Set by an admin; jobs and the category filter use them with the reported ones. */
  readonly adminCategories: readonly string[];
  readonly registeredAt: string;
  readonly updatedAt: string;
}
