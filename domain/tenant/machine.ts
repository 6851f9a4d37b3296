import { assign, setup } from 'xstate';
import type { TenantEvent } from './events.js';

export interface TenantContext {
  readonly tenantId: string;
  readonly name: string;
  readonly passwordHash: string;
  /** Moves on with each password set: tokens issued under an older one are void. */
  readonly credentialGeneration: number;
  /** Tenants this tenant's admins may also see and act on. */
  readonly grants: readonly string[];
  /** The password encrypted with the hub's seal key, for deployment; absent for tenants older than sealing. */
  readonly sealedPassword?: string;
  /** "Deploy the tenant password on all devices": on unless turned off. */
  readonly passwordDeployment: boolean;
}

export const tenantMachine = setup({
  types: { context: {} as TenantContext, events: {} as TenantEvent },
  guards: {
    grantable: ({ context, event }) =>
      event.type === 'TenantAccessGranted' &&
      event.data.grantedTenantId !== context.tenantId &&
      !context.grants.includes(event.data.grantedTenantId),
    granted: ({ context, event }) =>
      event.type === 'TenantAccessRevoked' && context.grants.includes(event.data.grantedTenantId),
  },
}).createMachine({
  id: 'tenant',
  initial: 'absent',
  context: { tenantId: '', name: '', passwordHash: '', credentialGeneration: 0, grants: [], passwordDeployment: true },
  states: {
    absent: {
      on: {
        TenantCreated: {
          target: 'active',
          actions: assign(({ event }) => ({
            tenantId: event.data.tenantId,
            name: event.data.name,
            passwordHash: event.data.passwordHash,
            credentialGeneration: 1,
            sealedPassword: event.data.sealedPassword,
            grants: [],
            passwordDeployment: true,
          })),
        },
      },
    },
    active: {
      on: {
        TenantPasswordChanged: {
          // A change without a sealed password leaves nothing to deploy, rather than the old one.
          actions: assign({
            passwordHash: ({ event }) => event.data.passwordHash,
            sealedPassword: ({ event }) => event.data.sealedPassword,
            credentialGeneration: ({ context }) => context.credentialGeneration + 1,
          }),
        },
        TenantPasswordDeploymentChanged: {
          actions: assign({ passwordDeployment: ({ event }) => event.data.enabled }),
        },
        TenantAccessGranted: {
          guard: 'grantable',
          actions: assign({ grants: ({ context, event }) => [...context.grants, event.data.grantedTenantId] }),
        },
        TenantAccessRevoked: {
          guard: 'granted',
          actions: assign({
            grants: ({ context, event }) => context.grants.filter((id) => id !== event.data.grantedTenantId),
          }),
        },
      },
    },
  },
});
