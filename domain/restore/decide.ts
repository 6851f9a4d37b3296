import type { SnapshotFrom } from 'xstate';
import type { DecisionContext, Deadline } from '../aggregate.js';
import { TetherError } from '../errors.js';
import type { RestoreCommand } from './commands.js';
import type { RestoreEvent } from './events.js';
import type { restoreMachine } from './machine.js';

export type RestoreState = SnapshotFrom<typeof restoreMachine>;

/** Where the file comes from, as it may be recorded: no credentials, query or fragment. */
export const restoreSource = (url: string): string => {
  const { origin, pathname } = new URL(url);
  return origin + pathname;
};

export function decideRestore(state: RestoreState, command: RestoreCommand, { now }: DecisionContext): readonly RestoreEvent[] {
  const { requestId } = state.context;
  switch (command.type) {
    case 'RequestRestore': {
      if (!state.matches('absent')) throw new TetherError('already_exists', `restore ${command.requestId} was already requested`);
      const { auth } = command;
      return [
        {
          type: 'RestoreRequested',
          data: {
            requestId: command.requestId,
            mac: command.mac,
            ...(command.tenantId === undefined ? {} : { tenantId: command.tenantId }),
            source: restoreSource(command.url),
            auth: auth.type,
            ...(auth.type === 'none' ? {} : { username: auth.username }),
            deadline: new Date(now.getTime() + command.timeoutMs).toISOString(),
          },
        },
      ];
    }
    case 'SettleRestore': {
      // An answer after the request ended (timed out, the hub restarted) changes nothing.
      if (!state.matches('requested')) return [];
      const { outcome } = command;
      if (outcome.ok) return [{ type: 'RestoreSucceeded', data: { requestId } }];
      return [{ type: 'RestoreFailed', data: { requestId, cause: outcome.cause, ...(outcome.error === undefined ? {} : { error: outcome.error }) } }];
    }
    case 'ExpireRestore':
      // A timer may fire early, late or twice; only the clock says whether the time is up.
      if (!state.matches('requested') || now.getTime() < Date.parse(state.context.deadline)) return [];
      return [{ type: 'RestoreFailed', data: { requestId, cause: 'timeout' } }];
  }
}

export function restoreDeadlines(state: RestoreState): readonly Deadline<RestoreCommand>[] {
  return state.matches('requested') ? [{ at: state.context.deadline, command: { type: 'ExpireRestore' } }] : [];
}
