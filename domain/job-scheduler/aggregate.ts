// The scheduler of one job kind across the cluster: streams `jobscheduler-<kind>` (updatejob,
// backupjob). One node holds the lease at a time and alone starts, dispatches and completes
// that kind's jobs; it renews the lease a few times per period while they need a scheduler,
// and releases it once they need none. Another node takes it once it is released or has run
// out: the append carries the expected revision, so of two nodes trying at once one wins, and
// the other's decide then sees a live holder and appends nothing.
import { assign, setup } from 'xstate';
import type { SnapshotFrom } from 'xstate';
import type { Aggregate, DecisionContext } from '../aggregate.js';
import { TetherError } from '../errors.js';
import { SchedulerLeaseEvent } from './events.js';

export type SchedulerLeaseCommand =
  | { readonly type: 'HoldSchedulerLease'; readonly nodeId: string; readonly leaseMs: number }
  | { readonly type: 'ReleaseSchedulerLease'; readonly nodeId: string };

interface LeaseContext {
  readonly holder?: string;
  readonly expiresAt?: string;
  /** The node that held it last, released or not: a node taking it over from another gives that one's devices a grace. */
  readonly lastHolder?: string;
}

export const schedulerLeaseMachine = setup({ types: { context: {} as LeaseContext, events: {} as SchedulerLeaseEvent } }).createMachine({
  id: 'jobscheduler',
  context: {},
  on: {
    SchedulerLeaseHeld: { actions: assign(({ event }) => ({ holder: event.data.nodeId, expiresAt: event.data.expiresAt, lastHolder: event.data.nodeId })) },
    SchedulerLeaseReleased: { actions: assign(({ event }) => ({ holder: undefined, expiresAt: undefined, lastHolder: event.data.nodeId })) },
  },
});

export type SchedulerLeaseState = SnapshotFrom<typeof schedulerLeaseMachine>;

/** The node holding a lease that has not run out by `now`; undefined when none does. */
export function leaseHolder(state: SchedulerLeaseState, now: Date): string | undefined {
  const { holder, expiresAt } = state.context;
  return holder !== undefined && expiresAt !== undefined && new Date(expiresAt).getTime() > now.getTime() ? holder : undefined;
}

function decideSchedulerLease(state: SchedulerLeaseState, command: SchedulerLeaseCommand, { now }: DecisionContext): readonly SchedulerLeaseEvent[] {
  const at = now.toISOString();
  const holder = leaseHolder(state, now);
  // Its holder's release is recorded even after it ran out (a stop that came late), unless another node took it since.
  if (command.type === 'ReleaseSchedulerLease') return state.context.holder === command.nodeId ? [{ type: 'SchedulerLeaseReleased', data: { nodeId: command.nodeId, at } }] : [];
  if (!Number.isInteger(command.leaseMs) || command.leaseMs <= 0) throw new TetherError('validation_failed', 'a lease lasts a positive whole number of milliseconds', ['leaseMs']);
  // Held by another node that still renews: nothing to do.
  if (holder !== undefined && holder !== command.nodeId) return [];
  return [{ type: 'SchedulerLeaseHeld', data: { nodeId: command.nodeId, expiresAt: new Date(now.getTime() + command.leaseMs).toISOString(), at } }];
}

export const schedulerLeaseAggregate: Aggregate<typeof schedulerLeaseMachine, SchedulerLeaseCommand> = {
  category: 'jobscheduler',
  machine: schedulerLeaseMachine,
  events: SchedulerLeaseEvent,
  decide: decideSchedulerLease,
};
