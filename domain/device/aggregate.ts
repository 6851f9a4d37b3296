import type { Aggregate } from '../aggregate.js';
import type { DeviceCommand } from './commands.js';
import { decideDevice, isOnline } from './decide.js';
import { DeviceEvent } from './events.js';
import { deviceMachine } from './machine.js';

/** Streams are `device-<mac>`, the MAC in its canonical form (see mac.ts). */
export const deviceAggregate: Aggregate<typeof deviceMachine, DeviceCommand> = {
  category: 'device',
  machine: deviceMachine,
  events: DeviceEvent,
  decide: decideDevice,
  // A live connection's actor holds the socket's state: it must not be passivated.
  keepResident: isOnline,
};
