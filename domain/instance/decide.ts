import type { SnapshotFrom } from 'xstate';
import { TetherError } from '../errors.js';
import type { InstanceCommand } from './commands.js';
import type { InstanceEvent } from './events.js';
import type { instanceMachine } from './machine.js';

type InstanceState = SnapshotFrom<typeof instanceMachine>;

const sameUrls = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((url, i) => url === b[i]);

export function decideInstance(state: InstanceState, command: InstanceCommand): readonly InstanceEvent[] {
  switch (command.type) {
    case 'InitializeAdmin':
      // Appended with no_stream: of two hubs starting together, exactly one creates the admin.
      if (!state.matches('uninitialized')) throw new TetherError('already_exists', 'the instance admin already exists');
      return [{ type: 'AdminPasswordSet', data: { passwordHash: command.passwordHash } }];
    case 'SetHubAddress':
      if (!state.matches('initialized')) throw new TetherError('transition_forbidden', 'the instance admin does not exist yet');
      if (sameUrls(state.context.hubUrls, command.urls)) return [];
      return [{ type: 'HubAddressSet', data: { urls: command.urls } }];
  }
}
