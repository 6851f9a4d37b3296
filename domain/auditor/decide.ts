import type { SnapshotFrom } from 'xstate';
import { TetherError } from '../errors.js';
import type { AuditorCommand } from './commands.js';
import type { AuditorEvent } from './events.js';
import type { auditorMachine } from './machine.js';

type AuditorState = SnapshotFrom<typeof auditorMachine>;

export function decideAuditor(state: AuditorState, command: AuditorCommand): readonly AuditorEvent[] {
  const { context } = state;
  switch (command.type) {
    case 'CreateAuditor': {
      // A disabled auditor's id stays taken, so history never names two accounts alike.
      if (!state.matches('absent')) throw new TetherError('already_exists', `auditor ${command.auditorId} already exists`);
      const tenants = command.tenants === undefined ? undefined : [...new Set(command.tenants)].sort();
      // An empty list would read as "no tenant" to some and "every tenant" to others.
      if (tenants?.length === 0) throw new TetherError('validation_failed', 'name at least one tenant, or none for all', ['tenants']);
      return [
        {
          type: 'AuditorCreated',
          data: {
            auditorId: command.auditorId,
            name: command.name,
            passwordHash: command.passwordHash,
            ...(tenants === undefined ? {} : { tenants }),
          },
        },
      ];
    }
    case 'ChangeAuditorPassword':
      mustExist(state);
      if (state.matches('disabled')) throw new TetherError('transition_forbidden', `auditor ${context.auditorId} is disabled`);
      return [{ type: 'AuditorPasswordChanged', data: { auditorId: context.auditorId, passwordHash: command.passwordHash } }];
    case 'DisableAuditor':
      mustExist(state);
      // Disabling twice is a no-op, so clients may retry.
      if (state.matches('disabled')) return [];
      return [{ type: 'AuditorDisabled', data: { auditorId: context.auditorId } }];
  }
}

function mustExist(state: AuditorState): void {
  if (state.matches('absent')) throw new TetherError('not_found', 'no such auditor');
}
