import type { SnapshotFrom } from 'xstate';
import type { DecisionContext } from '../aggregate.js';
import { TetherError } from '../errors.js';
import type { RegistrationsCommand } from './commands.js';
import type { RegistrationsEvent } from './events.js';
import type { registrationsMachine } from './machine.js';

export type RegistrationsState = SnapshotFrom<typeof registrationsMachine>;

export function decideRegistrations(state: RegistrationsState, command: RegistrationsCommand, { now }: DecisionContext): readonly RegistrationsEvent[] {
  const { windowStartedAt, keys } = state.context;
  switch (command.type) {
    case 'CountRegistration': {
      const current = windowStartedAt !== '' && Date.parse(windowStartedAt) + command.windowMs > now.getTime();
      const counted = current ? keys : [];
      // A retried command finds its key counted: nothing more to do.
      if (counted.includes(command.key)) return [];
      if (counted.length >= command.limit) throw new TetherError('rate_limited', 'too many registrations from this address; try again later');
      return [{ type: 'RegistrationCounted', data: { key: command.key, windowStartedAt: current ? windowStartedAt : now.toISOString() } }];
    }
    case 'GiveBackRegistration':
      return keys.includes(command.key) ? [{ type: 'RegistrationGivenBack', data: { key: command.key } }] : [];
  }
}
