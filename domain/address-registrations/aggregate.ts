import type { Aggregate } from '../aggregate.js';
import type { RegistrationsCommand } from './commands.js';
import { decideRegistrations } from './decide.js';
import { RegistrationsEvent } from './events.js';
import { registrationsMachine } from './machine.js';

/**
 * What anyone may register without a password, and so make the hub store for good: a device
 * (a MAC never seen before) or a relay awaiting approval (its name).
 */
export type RegistrationKind = 'device' | 'relay';

/**
 * The registrations of one kind that one client address made, in fixed windows: stream
 * `registrations-<kind>.<id>`, the id derived from the address. In the store, so every hub
 * node of a cluster counts the same registrations, and an append with an expected revision
 * lets no two nodes take the last one. Only registrations are stored, never a hello of a
 * known device or a relay that holds its token.
 */
export const registrationsAggregate: Aggregate<typeof registrationsMachine, RegistrationsCommand> = {
  category: 'registrations',
  machine: registrationsMachine,
  events: RegistrationsEvent,
  decide: decideRegistrations,
};

/** The stream id of what `addressId` registered of `kind`. */
export const registrationsId = (kind: RegistrationKind, addressId: string): string => `${kind}.${addressId}`;
