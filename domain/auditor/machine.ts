import { assign, setup } from 'xstate';
import type { AuditorEvent } from './events.js';

export interface AuditorContext {
  readonly auditorId: string;
  readonly name: string;
  readonly passwordHash: string;
  /** Moves on with each password set: tokens issued under an older one are void. */
  readonly credentialGeneration: number;
  /** The tenants it may read; undefined: every tenant. */
  readonly tenants?: readonly string[];
}

export const auditorMachine = setup({
  types: { context: {} as AuditorContext, events: {} as AuditorEvent },
}).createMachine({
  id: 'auditor',
  initial: 'absent',
  context: { auditorId: '', name: '', passwordHash: '', credentialGeneration: 0 },
  states: {
    absent: {
      on: {
        AuditorCreated: {
          target: 'active',
          actions: assign(({ event }) => ({
            auditorId: event.data.auditorId,
            name: event.data.name,
            passwordHash: event.data.passwordHash,
            credentialGeneration: 1,
            tenants: event.data.tenants,
          })),
        },
      },
    },
    active: {
      on: {
        AuditorPasswordChanged: {
          actions: assign({
            passwordHash: ({ event }) => event.data.passwordHash,
            credentialGeneration: ({ context }) => context.credentialGeneration + 1,
          }),
        },
        AuditorDisabled: { target: 'disabled' },
      },
    },
    disabled: {},
  },
});
