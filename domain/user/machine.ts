import { assign, setup } from 'xstate';
import type { UserEvent } from './events.js';
import type { UserRole } from './user-role.js';

export interface UserContext {
  readonly userId: string;
  readonly name: string;
  readonly role: UserRole;
  readonly passwordHash: string;
  /**
   * Moves on with each password set and each enabling: tokens issued under an older one are
   * void, so a token from before a disabling stays void after the user is enabled again.
   */
  readonly credentialGeneration: number;
  /** Owners and operators: their tenants; auditors: the tenants they read (undefined: every tenant). */
  readonly tenants?: readonly string[];
}

export const userMachine = setup({
  types: { context: {} as UserContext, events: {} as UserEvent },
  actions: {
    nextGeneration: assign({ credentialGeneration: ({ context }) => context.credentialGeneration + 1 }),
    setPassword: assign({
      passwordHash: ({ context, event }) => (event.type === 'UserPasswordChanged' ? event.data.passwordHash : context.passwordHash),
      credentialGeneration: ({ context }) => context.credentialGeneration + 1,
    }),
  },
}).createMachine({
  id: 'user',
  initial: 'absent',
  context: { userId: '', name: '', role: 'operator', passwordHash: '', credentialGeneration: 0 },
  states: {
    absent: {
      on: {
        UserCreated: {
          target: 'active',
          actions: assign(({ event }) => ({
            userId: event.data.userId,
            name: event.data.name,
            role: event.data.role,
            passwordHash: event.data.passwordHash,
            credentialGeneration: 1,
            tenants: event.data.tenants,
          })),
        },
      },
    },
    active: {
      on: {
        UserPasswordChanged: { actions: 'setPassword' },
        UserDisabled: { target: 'disabled' },
        UserDeleted: { target: 'deleted' },
      },
    },
    disabled: {
      on: {
        UserPasswordChanged: { actions: 'setPassword' },
        UserEnabled: { target: 'active', actions: 'nextGeneration' },
        UserDeleted: { target: 'deleted' },
      },
    },
    deleted: {},
  },
});
