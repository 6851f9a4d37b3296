// Who may do what, as (resource, action) pairs, in one place. Which tenants a
// tenant-admin reaches (its own and those granted to it) is a question of scope,
// answered by the routes from the read model; this table answers whether at all.
import { TetherError } from '../domain/errors.js';
import type { Principal, Role } from '../domain/principal.js';

/**
 * `auditor`: auditor accounts (the admin's alone). `history`: the store itself and past
 * states (audit events, chain verification, `?at=` reads), for auditors and the admin.
 * `deviceLink`: opening and closing DeviceLinks (the seed's permission); `session`: the
 * remote-session records and their timelines. `catalog`: firmware.json, apps.json and
 * software.json (instance-wide: only the admin imports them). `updateJob`, `backupJob`: jobs of the
 * tenants one sees; `restore`: a device restoring a backup. `relay`: the relay servers (no
 * tenant's: the admin manages them, auditors read them). `proxy`: proxy profiles (the admin's
 * alone, as the seed says). `protocolApp`: the protocol-application catalogue (the admin writes
 * it); `protocolAppAssignment`: assigning applications to devices (the seed's site owner);
 * `protocolAppConnection`: connecting and disconnecting them. `hubAddress`: where devices dial
 * the hub (the admin sets it, auditors read it). `adminPassword`: the instance admin's own
 * password (the admin's alone).
 */
export type Resource =
  | 'adminPassword'
  | 'tenant'
  | 'tenantPassword'
  | 'tenantGrant'
  | 'device'
  | 'provisioningCode'
  | 'auditor'
  | 'history'
  | 'deviceLink'
  | 'session'
  | 'catalog'
  | 'updateJob'
  | 'backupJob'
  | 'restore'
  | 'relay'
  | 'proxy'
  | 'protocolApp'
  | 'protocolAppAssignment'
  | 'protocolAppConnection'
  | 'hubAddress';
export type Action = 'create' | 'read' | 'update' | 'delete';

export interface Permission {
  readonly resource: Resource;
  readonly action: Action;
}

const readOnly: readonly Permission[] = [
  { resource: 'tenant', action: 'read' },
  { resource: 'device', action: 'read' },
  { resource: 'provisioningCode', action: 'read' },
  { resource: 'session', action: 'read' },
  { resource: 'catalog', action: 'read' },
  { resource: 'updateJob', action: 'read' },
  { resource: 'backupJob', action: 'read' },
  { resource: 'protocolApp', action: 'read' },
];

/** Exported beside `can`: the web console shows each role what this table lets it do. */
export const permissions: Readonly<Record<Role, 'all' | readonly Permission[]>> = {
  admin: 'all',
  system: 'all',
  'tenant-admin': [
    ...readOnly,
    { resource: 'tenantPassword', action: 'update' },
    // Assigning, moving and unassigning a device it sees.
    { resource: 'device', action: 'update' },
    { resource: 'provisioningCode', action: 'create' },
    { resource: 'provisioningCode', action: 'delete' },
    // Links to devices of the tenants it sees; never an auditor.
    { resource: 'deviceLink', action: 'create' },
    { resource: 'deviceLink', action: 'delete' },
    // Jobs for the tenants it sees, and restores of their devices.
    { resource: 'updateJob', action: 'create' },
    { resource: 'updateJob', action: 'update' },
    { resource: 'backupJob', action: 'create' },
    { resource: 'backupJob', action: 'update' },
    { resource: 'restore', action: 'create' },
    // Protocol applications on the devices it sees: assigning them, connecting them.
    { resource: 'protocolAppAssignment', action: 'update' },
    { resource: 'protocolAppConnection', action: 'create' },
    { resource: 'protocolAppConnection', action: 'delete' },
  ],
  auditor: [...readOnly, { resource: 'history', action: 'read' }, { resource: 'relay', action: 'read' }, { resource: 'hubAddress', action: 'read' }],
  device: [],
  relay: [],
};

export function can(principal: Principal, resource: Resource, action: Action): boolean {
  const granted = permissions[principal.role];
  return granted === 'all' || granted.some((p) => p.resource === resource && p.action === action);
}

/** The principal, when it may do this; otherwise unauthenticated (none) or forbidden. */
export function authorize(principal: Principal | undefined, resource: Resource, action: Action): Principal {
  if (principal === undefined) throw new TetherError('unauthenticated', 'a bearer token is required');
  if (!can(principal, resource, action)) {
    throw new TetherError('forbidden', `role ${principal.role} may not ${action} ${resource}`);
  }
  return principal;
}
