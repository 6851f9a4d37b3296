import type { Aggregate } from '../aggregate.js';
import type { DeviceRegistrationsCommand } from './commands.js';
import { decideDeviceRegistrations } from './decide.js';
import { DeviceRegistrationsEvent } from './events.js';
import { deviceRegistrationsMachine } from './machine.js';

/**
 * MACs never seen before that one client address registered, in fixed windows: stream
 * `deviceregistrations-<id>`, the id derived from the address. In the store, so every hub node
 * of a cluster counts the same registrations, and an append with an expected revision lets no
 * two nodes take the last one. Only registrations are stored, never a hello of a known device.
 */
export const deviceRegistrationsAggregate: Aggregate<typeof deviceRegistrationsMachine, DeviceRegistrationsCommand> = {
  category: 'deviceregistrations',
  machine: deviceRegistrationsMachine,
  events: DeviceRegistrationsEvent,
  decide: decideDeviceRegistrations,
};
