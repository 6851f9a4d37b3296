import type { SnapshotFrom } from 'xstate';
import type { DecisionContext } from '../aggregate.js';
import type { TetherError } from '../errors.js';
import type { LinkSeatsCommand } from './commands.js';
import type { LinkSeatsEvent } from './events.js';
import type { linkSeatsMachine } from './machine.js';

export type LinkSeatsState = SnapshotFrom<typeof linkSeatsMachine>;

/** What a take is refused with when the live seats reach `capacity`. */
export type SeatsFull = (capacity: number) => TetherError;

export const decideLinkSeats =
  (full: SeatsFull) =>
  (state: LinkSeatsState, command: LinkSeatsCommand, { now }: DecisionContext): readonly LinkSeatsEvent[] => {
    const { seats } = state.context;
    switch (command.type) {
      case 'TakeLinkSeat': {
        // A retried command finds its seat taken: nothing more to do.
        if (Object.hasOwn(seats, command.tunnelId)) return [];
        const freed = command.ended.filter((tunnelId) => Object.hasOwn(seats, tunnelId));
        // Seats taken since the caller looked are not in `ended`: they count, whichever node took them.
        const live = Object.keys(seats).length - freed.length;
        if (live >= command.capacity) throw full(command.capacity);
        const taken: LinkSeatsEvent = { type: 'LinkSeatTaken', data: { tunnelId: command.tunnelId, takenAt: now.toISOString() } };
        return freed.length === 0 ? [taken] : [{ type: 'LinkSeatsFreed', data: { tunnelIds: freed } }, taken];
      }
      case 'FreeLinkSeat':
        return Object.hasOwn(seats, command.tunnelId) ? [{ type: 'LinkSeatsFreed', data: { tunnelIds: [command.tunnelId] } }] : [];
    }
  };
