// Who may do what, as (resource, action) pairs, in one place. Which tenants a
// tenant-admin, owner or operator reaches (its own and those granted to them) is a question
// of scope, answered by the routes from the read model; this table answers whether at all.
// The README's permission table is rendered from it (api/permission-table.ts).
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
 * password (the admin's alone). `user`: people's accounts (an owner's reach: owners and
 * operators of its own tenants); `ownPassword`: a person changing its own password.
 */
export const resources = [
  'adminPassword',
  'tenant',
  'tenantPassword',
  'tenantGrant',
  'device',
  'provisioningCode',
  'auditor',
  'history',
  'deviceLink',
  'session',
  'catalog',
  'updateJob',
  'backupJob',
  'restore',
  'relay',
  'proxy',
  'protocolApp',
  'protocolAppAssignment',
  'protocolAppConnection',
  'hubAddress',
  'user',
  'ownPassword',
] as const;
export type Resource = (typeof resources)[number];
export const actions = ['create', 'read', 'update', 'delete'] as const;
export type Action = (typeof actions)[number];

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

const ownPassword: Permission = { resource: 'ownPassword', action: 'update' };

/** Links and protocol-application connections to the devices of the tenants one sees. */
const connecting: readonly Permission[] = [
  { resource: 'deviceLink', action: 'create' },
  { resource: 'deviceLink', action: 'delete' },
  { resource: 'protocolAppConnection', action: 'create' },
  { resource: 'protocolAppConnection', action: 'delete' },
];

/** A tenant's site owner: what its shared password has always allowed. */
const siteOwner: readonly Permission[] = [
  ...readOnly,
  { resource: 'tenantPassword', action: 'update' },
  // Assigning, moving and unassigning a device it sees.
  { resource: 'device', action: 'update' },
  { resource: 'provisioningCode', action: 'create' },
  { resource: 'provisioningCode', action: 'delete' },
  // Links to devices of the tenants it sees; never an auditor.
  ...connecting,
  // Jobs for the tenants it sees, and restores of their devices.
  { resource: 'updateJob', action: 'create' },
  { resource: 'updateJob', action: 'update' },
  { resource: 'backupJob', action: 'create' },
  { resource: 'backupJob', action: 'update' },
  { resource: 'restore', action: 'create' },
  // Assigning protocol applications to the devices it sees.
  { resource: 'protocolAppAssignment', action: 'update' },
];

/** Exported beside `can`: the web console shows each role what this table lets it do, and the README's table is rendered from it. */
export const permissions: Readonly<Record<Role, 'all' | readonly Permission[]>> = {
  admin: 'all',
  system: 'all',
  'tenant-admin': siteOwner,
  owner: [
    ...siteOwner,
    ownPassword,
    { resource: 'user', action: 'create' },
    { resource: 'user', action: 'read' },
    { resource: 'user', action: 'update' },
    { resource: 'user', action: 'delete' },
  ],
  // No configuration changes: reads, links and connections.
  operator: [...readOnly, ...connecting, ownPassword],
  auditor: [
    ...readOnly,
    ownPassword,
    { resource: 'history', action: 'read' },
    { resource: 'relay', action: 'read' },
    { resource: 'hubAddress', action: 'read' },
  ],
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
