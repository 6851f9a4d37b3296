import type { SnapshotFrom } from 'xstate';
import { TetherError } from '../errors.js';
import type { TenantCommand } from './commands.js';
import type { TenantEvent } from './events.js';
import type { tenantMachine } from './machine.js';

type TenantState = SnapshotFrom<typeof tenantMachine>;

export function decideTenant(state: TenantState, command: TenantCommand): readonly TenantEvent[] {
  const { context } = state;
  switch (command.type) {
    case 'CreateTenant':
      if (!state.matches('absent')) throw new TetherError('already_exists', `tenant ${command.tenantId} already exists`);
      return [
        {
          type: 'TenantCreated',
          data: {
            tenantId: command.tenantId,
            name: command.name,
            passwordHash: command.passwordHash,
            ...sealedOf(command.sealedPassword),
          },
        },
      ];
    case 'ChangeTenantPassword':
      return [
        {
          type: 'TenantPasswordChanged',
          data: { tenantId: context.tenantId, passwordHash: command.passwordHash, ...sealedOf(command.sealedPassword) },
        },
      ];
    case 'GrantTenantAccess':
      if (command.grantedTenantId === context.tenantId) {
        throw new TetherError('validation_failed', 'a tenant always sees itself; grant another tenant', ['grantedTenantId']);
      }
      // Granting twice is a no-op, so clients may retry.
      if (context.grants.includes(command.grantedTenantId)) return [];
      return [{ type: 'TenantAccessGranted', data: { tenantId: context.tenantId, grantedTenantId: command.grantedTenantId } }];
    case 'RevokeTenantAccess':
      if (!context.grants.includes(command.grantedTenantId)) return [];
      return [{ type: 'TenantAccessRevoked', data: { tenantId: context.tenantId, grantedTenantId: command.grantedTenantId } }];
    case 'SetTenantPasswordDeployment':
      if (state.matches('absent')) throw new TetherError('not_found', 'no such tenant');
      // Setting what already holds is a no-op, so clients may retry.
      if (context.passwordDeployment === command.enabled) return [];
      return [{ type: 'TenantPasswordDeploymentChanged', data: { tenantId: context.tenantId, enabled: command.enabled } }];
  }
}

const sealedOf = (sealedPassword: string | undefined): { sealedPassword?: string } =>
  sealedPassword === undefined ? {} : { sealedPassword };
