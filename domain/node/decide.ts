import type { SnapshotFrom } from 'xstate';
import type { DecisionContext } from '../aggregate.js';
import { TetherError } from '../errors.js';
import type { NodeCommand } from './commands.js';
import type { NodeEvent } from './events.js';
import type { nodeMachine } from './machine.js';

export type NodeState = SnapshotFrom<typeof nodeMachine>;

/** True when the node holds a lease that ran out by `now`. */
export const isLeaseExpired = (state: NodeState, now: Date): boolean =>
  state.matches('live') && new Date(state.context.expiresAt).getTime() <= now.getTime();

export function decideNode(state: NodeState, command: NodeCommand, { now }: DecisionContext): readonly NodeEvent[] {
  switch (command.type) {
    case 'RenewLease': {
      if (!Number.isInteger(command.leaseMs) || command.leaseMs <= 0) throw new TetherError('validation_failed', 'a lease lasts a positive whole number of milliseconds', ['leaseMs']);
      const expiresAt = new Date(now.getTime() + command.leaseMs).toISOString();
      return [{ type: 'NodeLeaseRenewed', data: { address: command.address, leaseMs: command.leaseMs, expiresAt } }];
    }
    case 'EndLease':
      return state.matches('live') ? [{ type: 'NodeLeaseEnded', data: { at: now.toISOString() } }] : [];
    case 'DeclareNodeLost':
      // Idempotent: a lease renewed meanwhile, or already ended or declared lost by another peer, leaves nothing to do.
      if (!isLeaseExpired(state, now)) return [];
      return [{ type: 'NodeLost', data: { by: command.by, expiredAt: state.context.expiresAt, at: now.toISOString() } }];
  }
}
