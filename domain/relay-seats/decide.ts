import type { SnapshotFrom } from 'xstate';
import type { DecisionContext } from '../aggregate.js';
import { TetherError } from '../errors.js';
import type { RelaySeatsCommand } from './commands.js';
import type { RelaySeatsEvent } from './events.js';
import type { relaySeatsMachine } from './machine.js';

export type RelaySeatsState = SnapshotFrom<typeof relaySeatsMachine>;

export function decideRelaySeats(state: RelaySeatsState, command: RelaySeatsCommand, { now }: DecisionContext): readonly RelaySeatsEvent[] {
  const { seats } = state.context;
  switch (command.type) {
    case 'TakeRelaySeat': {
      // A retried command finds its seat taken: nothing more to do.
      if (Object.hasOwn(seats, command.tunnelId)) return [];
      const freed = command.ended.filter((tunnelId) => Object.hasOwn(seats, tunnelId));
      // Seats taken since the caller looked are not in `ended`: they count, whichever node took them.
      const live = Object.keys(seats).length - freed.length;
      if (live >= command.capacity) {
        throw new TetherError('no_relay_available', `the relay carries its maxSessions (${command.capacity}) already, counting every hub node's sessions`);
      }
      const taken: RelaySeatsEvent = { type: 'RelaySeatTaken', data: { tunnelId: command.tunnelId, takenAt: now.toISOString() } };
      return freed.length === 0 ? [taken] : [{ type: 'RelaySeatsFreed', data: { tunnelIds: freed } }, taken];
    }
    case 'FreeRelaySeat':
      return Object.hasOwn(seats, command.tunnelId) ? [{ type: 'RelaySeatsFreed', data: { tunnelIds: [command.tunnelId] } }] : [];
  }
}
