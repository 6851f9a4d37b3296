import { assign, setup } from 'xstate';
import type { InstanceEvent } from './events.js';

export interface InstanceContext {
  readonly adminPasswordHash: string;
}

export const instanceMachine = setup({
  types: { context: {} as InstanceContext, events: {} as InstanceEvent },
}).createMachine({
  id: 'instance',
  initial: 'uninitialized',
  context: { adminPasswordHash: '' },
  states: {
    uninitialized: {
      on: {
        AdminPasswordSet: {
          target: 'initialized',
          actions: assign({ adminPasswordHash: ({ event }) => event.data.passwordHash }),
        },
      },
    },
    initialized: {},
  },
});
