import * as t from 'io-ts';

/**
 * `sealedPassword`: the password encrypted with a hub key kept out of the store, so the hub
 * can deploy it to devices (never in clear in an event). Optional: older events lack it.
 */
const sealed = t.partial({ sealedPassword: t.string });

export const TenantCreated = t.type({
  type: t.literal('TenantCreated'),
  data: t.intersection([t.type({ tenantId: t.string, name: t.string, passwordHash: t.string }), sealed]),
});
export type TenantCreated = t.TypeOf<typeof TenantCreated>;

export const TenantPasswordChanged = t.type({
  type: t.literal('TenantPasswordChanged'),
  data: t.intersection([t.type({ tenantId: t.string, passwordHash: t.string }), sealed]),
});
export type TenantPasswordChanged = t.TypeOf<typeof TenantPasswordChanged>;

/** The tenant `tenantId` may from now on see and act on tenant `grantedTenantId`. */
export const TenantAccessGranted = t.type({
  type: t.literal('TenantAccessGranted'),
  data: t.type({ tenantId: t.string, grantedTenantId: t.string }),
});
export type TenantAccessGranted = t.TypeOf<typeof TenantAccessGranted>;

export const TenantAccessRevoked = t.type({
  type: t.literal('TenantAccessRevoked'),
  data: t.type({ tenantId: t.string, grantedTenantId: t.string }),
});
export type TenantAccessRevoked = t.TypeOf<typeof TenantAccessRevoked>;

/**
 * "Deploy the tenant password on all devices" (on from creation): while on, every device of
 * the tenant gets the password at each (re)connect and whenever it changes. Turning it off
 * sends and resets nothing.
 */
export const TenantPasswordDeploymentChanged = t.type({
  type: t.literal('TenantPasswordDeploymentChanged'),
  data: t.type({ tenantId: t.string, enabled: t.boolean }),
});
export type TenantPasswordDeploymentChanged = t.TypeOf<typeof TenantPasswordDeploymentChanged>;

export const TenantEvent = t.union([
  TenantCreated,
  TenantPasswordChanged,
  TenantAccessGranted,
  TenantAccessRevoked,
  TenantPasswordDeploymentChanged,
]);
export type TenantEvent = t.TypeOf<typeof TenantEvent>;
