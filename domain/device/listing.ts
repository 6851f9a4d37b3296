// The "listed tenant" rule: which tenant's list shows a device. The device list (a read
// model), the routes that reach one device and time travel all ask it here, so a tenant
// sees the same devices everywhere.
import type { DeviceState } from './decide.js';
import { isAssigned, isOnline } from './decide.js';

/**
 * 'unassigned': no tenant, or the live connection did not present the device password
 * (the seed's long reset); such a connection never takes the assigned device's place.
 */
export type DeviceListState = 'unassigned' | 'online' | 'offline';

/** What the rule looks at; the read model keeps these columns, the machine these states. */
export interface ListingFacts {
  /** The assignment the device keeps (also while it shows as unassigned). */
  readonly tenantId: string | null | undefined;
  readonly online: boolean;
  readonly authenticated: boolean;
}

export const listingFactsOf = (state: DeviceState): ListingFacts => ({
  tenantId: isAssigned(state) ? state.context.tenantId : undefined,
  online: isOnline(state),
  authenticated: state.context.authenticated,
});

/** The tenant whose list shows the device; null while it shows as unassigned. */
export function listedTenantOf(facts: ListingFacts): string | null {
  const { tenantId, online, authenticated } = facts;
  return tenantId === null || tenantId === undefined || (online && !authenticated) ? null : tenantId;
}

export function listStateOf(facts: ListingFacts): DeviceListState {
  if (listedTenantOf(facts) === null) return 'unassigned';
  return facts.online ? 'online' : 'offline';
}

/** Whether a principal that sees `visible` tenants (undefined: every tenant) sees `tenant`. */
export const seesTenant = (visible: readonly string[] | undefined, tenant: string | null | undefined): boolean =>
  visible === undefined || (tenant !== null && tenant !== undefined && visible.includes(tenant));
