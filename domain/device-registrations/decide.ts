import type { SnapshotFrom } from 'xstate';
import type { DecisionContext } from '../aggregate.js';
import { TetherError } from '../errors.js';
import type { DeviceRegistrationsCommand } from './commands.js';
import type { DeviceRegistrationsEvent } from './events.js';
import type { deviceRegistrationsMachine } from './machine.js';

export type DeviceRegistrationsState = SnapshotFrom<typeof deviceRegistrationsMachine>;

export function decideDeviceRegistrations(state: DeviceRegistrationsState, command: DeviceRegistrationsCommand, { now }: DecisionContext): readonly DeviceRegistrationsEvent[] {
  const { windowStartedAt, macs } = state.context;
  switch (command.type) {
    case 'CountDeviceRegistration': {
      const current = windowStartedAt !== '' && Date.parse(windowStartedAt) + command.windowMs > now.getTime();
      const counted = current ? macs : [];
      // A retried command finds its MAC counted: nothing more to do.
      if (counted.includes(command.mac)) return [];
      if (counted.length >= command.limit) throw new TetherError('rate_limited', 'too many new devices from this address; try again later');
      return [{ type: 'DeviceRegistrationCounted', data: { mac: command.mac, windowStartedAt: current ? windowStartedAt : now.toISOString() } }];
    }
    case 'GiveBackDeviceRegistration':
      return macs.includes(command.mac) ? [{ type: 'DeviceRegistrationGivenBack', data: { mac: command.mac } }] : [];
  }
}
