import { assign, setup } from 'xstate';
import type { NodeEvent } from './events.js';

export interface NodeContext {
  /** Where peers can call the node; '' before its first lease. */
  readonly address: string;
  readonly leaseMs: number;
  /** ISO time the current lease runs out; '' while none is held. */
  readonly expiresAt: string;
}

const renewed = assign<NodeContext, Extract<NodeEvent, { type: 'NodeLeaseRenewed' }>, undefined, NodeEvent, never>(({ event }) => ({
  address: event.data.address,
  leaseMs: event.data.leaseMs,
  expiresAt: event.data.expiresAt,
}));

/** unknown: never held a lease; live: holds one; ended: shut down cleanly; lost: a peer declared it dead. */
export const nodeMachine = setup({
  types: { context: {} as NodeContext, events: {} as NodeEvent },
}).createMachine({
  id: 'node',
  initial: 'unknown',
  context: { address: '', leaseMs: 0, expiresAt: '' },
  states: {
    unknown: { on: { NodeLeaseRenewed: { target: 'live', actions: renewed } } },
    live: {
      on: {
        NodeLeaseRenewed: { actions: renewed },
        NodeLeaseEnded: { target: 'ended', actions: assign({ expiresAt: '' }) },
        NodeLost: { target: 'lost', actions: assign({ expiresAt: '' }) },
      },
    },
    // A node that starts again takes a new lease.
    ended: { on: { NodeLeaseRenewed: { target: 'live', actions: renewed } } },
    lost: { on: { NodeLeaseRenewed: { target: 'live', actions: renewed } } },
  },
});
