import { assign, setup } from 'xstate';
import type { AuditorEvent } from './events.js';

export interface AuditorContext {
  readonly auditorId: string;
  readonly name: string;
  readonly passwordHash: string;
  /** The tenants it may read; undefined: every tenant. */
  readonly tenants?: readonly string[];
}

export const auditorMachine = setup({
  types: { context: {} as AuditorContext, events: {} as AuditorEvent },
}).createMachine({
  id: 'auditor',
  initial: 'absent',
  context: { auditorId: '', name: '', passwordHash: '' },
  states: {
    absent: {
      on: {
        AuditorCreated: {
          target: 'active',
          actions: assign(({ event }) => ({
            auditorId: event.data.auditorId,
            name: event.data.name,
            passwordHash: event.data.passwordHash,
            tenants: event.data.tenants,
          })),
        },
      },
    },
    active: {
      on: {
        AuditorPasswordChanged: { actions: assign({ passwordHash: ({ event }) => event.data.passwordHash }) },
        AuditorDisabled: { target: 'disabled' },
      },
    },
    disabled: {},
  },
});
