import * as t from 'io-ts';
import { ProvisioningRefusalReason } from '../provisioning/refusal-reason.js';
import { InstalledApp } from './inventory.js';
import { Mac } from './mac.js';

const inventory = { model: t.string, firmware: t.string, apps: t.array(InstalledApp), categories: t.array(t.string) };
/** Absent in events recorded before software was reported, and when the device reports none. */
const software = { software: t.array(InstalledApp) };

/** A MAC the hub had never seen said hello: it becomes a registered, unassigned device. */
export const DeviceRegistered = t.type({
  type: t.literal('DeviceRegistered'),
  data: t.intersection([t.type({ mac: Mac, ...inventory }), t.partial(software)]),
});
export type DeviceRegistered = t.TypeOf<typeof DeviceRegistered>;

/**
 * The device's control connection is live. `authenticated`: an assigned device presented
 * its password; a connection without it shows the device as unassigned but never touches
 * the assignment. `at` is in the data so the machine can keep `lastSeen`. `nodeId`: the hub
 * node holding the socket, so that node can close the connection by an event after a crash
 * (optional: events recorded before it existed still replay). The inventory (model,
 * firmware, apps, categories, all four or none, and software when there is some) only when
 * the hello reported another than the one recorded: a device reconnecting unchanged stores
 * no copy of it.
 */
export const DeviceConnected = t.type({
  type: t.literal('DeviceConnected'),
  data: t.intersection([
    t.type({ connectionId: t.string, ip: t.string, authenticated: t.boolean, at: t.string }),
    t.partial({ nodeId: t.string, ...inventory, ...software }),
  ]),
});
export type DeviceConnected = t.TypeOf<typeof DeviceConnected>;

/** hub-lost: the hub node holding the connection stopped renewing its lease; a peer recorded the end. */
export const DisconnectCause = t.keyof({ closed: null, superseded: null, 'hub-shutdown': null, 'hub-lost': null, timeout: null, error: null });
export type DisconnectCause = t.TypeOf<typeof DisconnectCause>;

export const DeviceDisconnected = t.type({
  type: t.literal('DeviceDisconnected'),
  data: t.type({ connectionId: t.string, cause: DisconnectCause, at: t.string }),
});
export type DeviceDisconnected = t.TypeOf<typeof DeviceDisconnected>;

/** A second connection without the device's password while one is live; the hub closed it. */
export const DeviceConnectionRefused = t.type({
  type: t.literal('DeviceConnectionRefused'),
  data: t.type({ ip: t.string, reason: t.literal('already-connected') }),
});
export type DeviceConnectionRefused = t.TypeOf<typeof DeviceConnectionRefused>;

export const AssignedVia = t.keyof({ admin: null, 'provisioning-code': null });
export type AssignedVia = t.TypeOf<typeof AssignedVia>;

/** Assigned (or moved) to a tenant, always with a new device password of which only the hash is kept. */
export const DeviceAssigned = t.type({
  type: t.literal('DeviceAssigned'),
  data: t.intersection([
    t.type({ tenantId: t.string, passwordHash: t.string, via: AssignedVia }),
    t.partial({ codeId: t.string }),
  ]),
});
export type DeviceAssigned = t.TypeOf<typeof DeviceAssigned>;

export const DeviceUnassigned = t.type({
  type: t.literal('DeviceUnassigned'),
  data: t.type({}),
});
export type DeviceUnassigned = t.TypeOf<typeof DeviceUnassigned>;

/** The new device password went out once over this connection (the password itself is never stored). */
export const DevicePasswordDelivered = t.type({
  type: t.literal('DevicePasswordDelivered'),
  data: t.type({ connectionId: t.string }),
});
export type DevicePasswordDelivered = t.TypeOf<typeof DevicePasswordDelivered>;

/** The tenant password was sent to the device over this connection (never the password itself). */
export const TenantPasswordDeployed = t.type({
  type: t.literal('TenantPasswordDeployed'),
  data: t.type({ tenantId: t.string, connectionId: t.string }),
});
export type TenantPasswordDeployed = t.TypeOf<typeof TenantPasswordDeployed>;

/** A provisioning code presented at hello could not be redeemed. */
export const ProvisioningRefused = t.type({
  type: t.literal('ProvisioningRefused'),
  data: t.type({ ip: t.string, reason: ProvisioningRefusalReason }),
});
export type ProvisioningRefused = t.TypeOf<typeof ProvisioningRefused>;

const nullableText = t.union([t.string, t.null]);

/**
 * An admin changed what it says of the device: only the fields that changed are present;
 * null clears a name or site, and `categories` replaces the admin-set ones whole.
 */
export const DeviceDetailsSet = t.type({
  type: t.literal('DeviceDetailsSet'),
  data: t.partial({ name: nullableText, site: nullableText, categories: t.array(t.string) }),
});
export type DeviceDetailsSet = t.TypeOf<typeof DeviceDetailsSet>;

export const DeviceEvent = t.union([
  DeviceRegistered,
  DeviceConnected,
  DeviceDisconnected,
  DeviceConnectionRefused,
  DeviceAssigned,
  DeviceUnassigned,
  DevicePasswordDelivered,
  TenantPasswordDeployed,
  ProvisioningRefused,
  DeviceDetailsSet,
]);
export type DeviceEvent = t.TypeOf<typeof DeviceEvent>;
