import type { SnapshotFrom } from 'xstate';
import { TetherError } from '../errors.js';
import type { UserCommand } from './commands.js';
import type { UserEvent } from './events.js';
import type { userMachine } from './machine.js';
import { isTenantRole } from './user-role.js';
import type { UserRole } from './user-role.js';

type UserState = SnapshotFrom<typeof userMachine>;

export function decideUser(state: UserState, command: UserCommand): readonly UserEvent[] {
  const { userId } = state.context;
  switch (command.type) {
    case 'CreateUser': {
      // A deleted user's id stays taken, so history never names two people alike.
      if (!state.matches('absent')) throw new TetherError('already_exists', `user ${command.userId} already exists`);
      const tenants = command.tenants === undefined ? undefined : [...new Set(command.tenants)].sort();
      checkTenants(command.role, tenants);
      const { passwordHash, role, name, email } = command;
      return [
        {
          type: 'UserCreated',
          data: {
            userId: command.userId,
            name,
            passwordHash,
            role,
            ...(email === undefined ? {} : { email }),
            ...(tenants === undefined ? {} : { tenants }),
          },
        },
      ];
    }
    case 'ChangeUserPassword':
      mustBeLive(state);
      return [{ type: 'UserPasswordChanged', data: { userId, passwordHash: command.passwordHash } }];
    case 'DisableUser':
      mustBeLive(state);
      // Disabling or enabling twice is a no-op, so clients may retry.
      return state.matches('disabled') ? [] : [{ type: 'UserDisabled', data: { userId } }];
    case 'EnableUser':
      mustBeLive(state);
      return state.matches('active') ? [] : [{ type: 'UserEnabled', data: { userId } }];
    case 'DeleteUser':
      mustBeLive(state);
      return [{ type: 'UserDeleted', data: { userId } }];
  }
}

function checkTenants(role: UserRole, tenants: readonly string[] | undefined): void {
  if (isTenantRole(role) && (tenants === undefined || tenants.length === 0)) {
    throw new TetherError('validation_failed', `an ${role} belongs to at least one tenant`, ['tenants']);
  }
  if (role === 'admin' && tenants !== undefined) {
    throw new TetherError('validation_failed', 'an admin reaches every tenant: name none', ['tenants']);
  }
  // An empty list would read as "no tenant" to some and "every tenant" to others.
  if (role === 'auditor' && tenants?.length === 0) {
    throw new TetherError('validation_failed', 'name at least one tenant, or none for all', ['tenants']);
  }
}

/** Deleted is for good: a deleted user is as unknown as one never created. */
function mustBeLive(state: UserState): void {
  if (state.matches('absent') || state.matches('deleted')) throw new TetherError('not_found', 'no such user');
}
