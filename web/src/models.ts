// The shapes the console reads from the API and the dashboard, as far as it uses them.
export type DeviceState = 'unassigned' | 'online' | 'offline';

export interface Device {
  readonly mac: string;
  readonly tenant: string | null;
  readonly state: DeviceState;
  readonly online: boolean;
  readonly ip: string | null;
  readonly lastSeen: string | null;
  readonly connectedSince: string | null;
  readonly model: string;
  readonly firmware: string;
  readonly apps: readonly { readonly name: string; readonly version: string }[];
  readonly software: readonly { readonly name: string; readonly version: string }[];
  /** As the device reports them. */
  readonly categories: readonly string[];
  /** Set by an admin. */
  readonly name: string | null;
  readonly site: string | null;
  readonly adminCategories: readonly string[];
  readonly registeredAt: string;
  readonly updatedAt: string;
}

export interface Tenant {
  readonly id: string;
  readonly name: string;
  readonly grants: readonly string[];
  readonly passwordDeployment: boolean;
}

export interface Session {
  readonly id: string;
  readonly kind?: string;
  readonly state: 'open' | 'closed';
  /** Absent for a proxy to a host: no device, no tenant. */
  readonly device?: string;
  readonly tenantId?: string;
  readonly relay: string;
  readonly protocol: string;
  readonly devicePort: number;
  readonly port: number;
  readonly requestedBy: { readonly id: string; readonly role: string };
  readonly userIP?: string;
  readonly clientIP?: string;
  readonly createdTime: string;
  readonly endTime?: string;
  readonly terminationCause?: string;
  readonly bytesToDevice: number;
  readonly bytesFromDevice: number;
  readonly bytesTransferred: number;
}

export interface JobCounts {
  /** Devices tried at least once. */
  readonly attempted: number;
  readonly inFlight: number;
  readonly succeeded: number;
  readonly failed: number;
}

export interface Job {
  readonly id: string;
  readonly kind: 'update' | 'backup';
  readonly name: string;
  readonly state: string;
  readonly tenants: readonly string[];
  readonly categories: readonly string[];
  readonly counts: JobCounts;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly pass: number;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly next: string | null;
}
