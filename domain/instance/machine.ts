import { assign, setup } from 'xstate';
import type { InstanceEvent } from './events.js';

export interface InstanceContext {
  readonly adminPasswordHash: string;
  /** Moves on with each password set: tokens issued under an older one are void. */
  readonly credentialGeneration: number;
}

export const instanceMachine = setup({
  types: { context: {} as InstanceContext, events: {} as InstanceEvent },
}).createMachine({
  id: 'instance',
  initial: 'uninitialized',
  context: { adminPasswordHash: '', credentialGeneration: 0 },
  states: {
    uninitialized: {
      on: {
        AdminPasswordSet: {
          target: 'initialized',
          actions: assign({ adminPasswordHash: ({ event }) => event.data.passwordHash, credentialGeneration: 1 }),
        },
      },
    },
    initialized: {
      on: {
        AdminPasswordSet: {
          actions: assign({
            adminPasswordHash: ({ event }) => event.data.passwordHash,
            credentialGeneration: ({ context }) => context.credentialGeneration + 1,
          }),
        },
      },
    },
  },
});
