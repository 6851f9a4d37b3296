import * as t from 'io-ts';
import { Mac } from '../device/mac.js';
import { StoredAppTemplate } from './app-template.js';

/** An admin created a template; it shows in the catalogue from now on. */
export const ProtocolAppCreated = t.type({
  type: t.literal('ProtocolAppCreated'),
  data: t.type({ appId: t.string, template: StoredAppTemplate }),
});
export type ProtocolAppCreated = t.TypeOf<typeof ProtocolAppCreated>;

/** An edit: the template as it is now. Connections already open keep what they were opened with. */
export const ProtocolAppUpdated = t.type({
  type: t.literal('ProtocolAppUpdated'),
  data: t.type({ appId: t.string, template: StoredAppTemplate }),
});
export type ProtocolAppUpdated = t.TypeOf<typeof ProtocolAppUpdated>;

/** Gone from the catalogue and from every device; its live connections ended (cause deleted). */
export const ProtocolAppDeleted = t.type({ type: t.literal('ProtocolAppDeleted'), data: t.type({ appId: t.string }) });
export type ProtocolAppDeleted = t.TypeOf<typeof ProtocolAppDeleted>;

/** A tenant-admin assigned the application to a device of `tenantId` (the seed's site owner). */
export const ProtocolAppAssigned = t.type({
  type: t.literal('ProtocolAppAssigned'),
  data: t.type({ appId: t.string, device: Mac, tenantId: t.string }),
});
export type ProtocolAppAssigned = t.TypeOf<typeof ProtocolAppAssigned>;

export const ProtocolAppUnassigned = t.type({
  type: t.literal('ProtocolAppUnassigned'),
  data: t.type({ appId: t.string, device: Mac }),
});
export type ProtocolAppUnassigned = t.TypeOf<typeof ProtocolAppUnassigned>;

export const ProtocolAppEvent = t.union([ProtocolAppCreated, ProtocolAppUpdated, ProtocolAppDeleted, ProtocolAppAssigned, ProtocolAppUnassigned]);
export type ProtocolAppEvent = t.TypeOf<typeof ProtocolAppEvent>;
