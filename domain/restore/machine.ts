import { assign, setup } from 'xstate';
import type { RestoreEvent, RestoreFailureCause } from './events.js';

export interface RestoreContext {
  readonly requestId: string;
  /** ISO time after which the request fails with cause timeout. */
  readonly deadline: string;
  /** Once failed: why, and the device's own text when it gave one. */
  readonly cause?: RestoreFailureCause;
  readonly error?: string;
}

export const restoreMachine = setup({
  types: { context: {} as RestoreContext, events: {} as RestoreEvent },
}).createMachine({
  id: 'restore',
  initial: 'absent',
  context: { requestId: '', deadline: '' },
  states: {
    absent: {
      on: {
        RestoreRequested: {
          target: 'requested',
          actions: assign(({ event }) => ({
            requestId: event.data.requestId,
            deadline: event.data.deadline,
          })),
        },
      },
    },
    requested: {
      on: {
        RestoreSucceeded: { target: 'succeeded' },
        RestoreFailed: {
          target: 'failed',
          actions: assign(({ event }) => ({ cause: event.data.cause, error: event.data.error })),
        },
      },
    },
    succeeded: {},
    failed: {},
  },
});
