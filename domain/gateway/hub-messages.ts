// Control messages the hub sends to the agent: JSON text frames.
import * as t from 'io-ts';
import { HubUrl } from '../instance/hub-url.js';
import { ProvisioningRefusalReason } from '../provisioning/refusal-reason.js';
import { hubJobMessages } from './job-messages.js';
import type { HubJobMessage } from './job-messages.js';
import { hubReverseMessages } from './reverse-messages.js';
import type { HubReverseMessage } from './reverse-messages.js';
import { hubStreamMessages } from './stream-messages.js';
import type { HubStreamMessage } from './stream-messages.js';
import { taggedUnion } from './tagged-union.js';

/** The answer to hello: `unassigned` also when the device did not present its password. */
export const Welcome = t.intersection([
  t.type({ type: t.literal('welcome'), state: t.keyof({ assigned: null, unassigned: null }) }),
  t.partial({ tenant: t.string }),
]);
export type Welcome = t.TypeOf<typeof Welcome>;

/** Sent once, at assignment; the agent keeps it and presents it in every later hello. */
export const DevicePassword = t.type({ type: t.literal('device-password'), password: t.string });
export type DevicePassword = t.TypeOf<typeof DevicePassword>;

/** The tenant password, for the device to apply (the agent hands it to its hook). */
export const TenantPassword = t.type({ type: t.literal('tenant-password'), password: t.string });
export type TenantPassword = t.TypeOf<typeof TenantPassword>;

export const ProvisioningRefusedMessage = t.type({ type: t.literal('provisioning-refused'), reason: ProvisioningRefusalReason });
export type ProvisioningRefusedMessage = t.TypeOf<typeof ProvisioningRefusedMessage>;

/** Where to dial the hub from now on, in order of preference: the agent keeps it in its state file. */
export const HubAddress = t.type({ type: t.literal('hub-address'), urls: t.readonlyArray(HubUrl) });
export type HubAddress = t.TypeOf<typeof HubAddress>;

export const Pong = t.type({ type: t.literal('pong') });
export type Pong = t.TypeOf<typeof Pong>;

/** A message the hub could not accept; after a few the hub closes the connection. */
export const ErrorMessage = t.intersection([
  t.type({ type: t.literal('error'), code: t.string, message: t.string }),
  t.partial({ details: t.array(t.string) }),
]);
export type ErrorMessage = t.TypeOf<typeof ErrorMessage>;

export const ClosingCause = t.keyof({
  superseded: null,
  'already-connected': null,
  'hub-shutdown': null,
  'invalid-messages': null,
  timeout: null,
  /** A per-address limit of the gateway (connections, hellos, registrations): try again later. */
  'rate-limited': null,
});
export type ClosingCause = t.TypeOf<typeof ClosingCause>;

/** Why the hub is about to close the connection. */
export const Closing = t.type({ type: t.literal('closing'), cause: ClosingCause });
export type Closing = t.TypeOf<typeof Closing>;

export const HubMessage = taggedUnion('HubMessage', {
  welcome: Welcome,
  'device-password': DevicePassword,
  'tenant-password': TenantPassword,
  'provisioning-refused': ProvisioningRefusedMessage,
  'hub-address': HubAddress,
  pong: Pong,
  error: ErrorMessage,
  closing: Closing,
  ...hubStreamMessages,
  ...hubJobMessages,
  ...hubReverseMessages,
});
export type HubMessage =
  | Welcome
  | DevicePassword
  | TenantPassword
  | ProvisioningRefusedMessage
  | HubAddress
  | Pong
  | ErrorMessage
  | Closing
  | HubStreamMessage
  | HubJobMessage
  | HubReverseMessage;
