import { assign, setup } from 'xstate';
import type { InstanceEvent } from './events.js';
import type { HubUrl } from './hub-url.js';

export interface InstanceContext {
  readonly adminPasswordHash: string;
  /** Where devices are to dial the hub; empty until an admin sets it (they keep their --hub). */
  readonly hubUrls: readonly HubUrl[];
}

export const instanceMachine = setup({
  types: { context: {} as InstanceContext, events: {} as InstanceEvent },
}).createMachine({
  id: 'instance',
  initial: 'uninitialized',
  context: { adminPasswordHash: '', hubUrls: [] },
  states: {
    uninitialized: {
      on: {
        AdminPasswordSet: {
          target: 'initialized',
          actions: assign({ adminPasswordHash: ({ event }) => event.data.passwordHash }),
        },
      },
    },
    initialized: {
      on: {
        HubAddressSet: { actions: assign({ hubUrls: ({ event }) => event.data.urls }) },
      },
    },
  },
});
