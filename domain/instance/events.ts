import * as t from 'io-ts';
import { HubUrls } from './hub-url.js';

/** The instance administrator's password, as a scrypt hash (never in clear). */
export const AdminPasswordSet = t.type({
  type: t.literal('AdminPasswordSet'),
  data: t.type({ passwordHash: t.string }),
});
export type AdminPasswordSet = t.TypeOf<typeof AdminPasswordSet>;

/**
 * The addresses devices are to dial from now on (the seed's change of the hub's IP address or
 * DNS name): connected agents are told at once, others at their next connection.
 */
export const HubAddressSet = t.type({
  type: t.literal('HubAddressSet'),
  data: t.type({ urls: HubUrls }),
});
export type HubAddressSet = t.TypeOf<typeof HubAddressSet>;

export const InstanceEvent = t.union([AdminPasswordSet, HubAddressSet]);
export type InstanceEvent = t.TypeOf<typeof InstanceEvent>;
