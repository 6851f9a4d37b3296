import * as t from 'io-ts';

export const TenantCreated = t.type({
  type: t.literal('TenantCreated'),
  data: t.type({ tenantId: t.string, name: t.string, passwordHash: t.string }),
});
export type TenantCreated = t.TypeOf<typeof TenantCreated>;

export const TenantPasswordChanged = t.type({
  type: t.literal('TenantPasswordChanged'),
  data: t.type({ tenantId: t.string, passwordHash: t.string }),
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

export const TenantEvent = t.union([TenantCreated, TenantPasswordChanged, TenantAccessGranted, TenantAccessRevoked]);
export type TenantEvent = t.TypeOf<typeof TenantEvent>;
