import { assign, setup } from 'xstate';
import type { LinkSeatsEvent } from './events.js';

export interface LinkSeatsContext {
  /** The links holding a seat, with the ISO time each was taken. */
  readonly seats: Readonly<Record<string, string>>;
}

const without = (seats: Readonly<Record<string, string>>, tunnelIds: readonly string[]): Readonly<Record<string, string>> => {
  const gone = new Set(tunnelIds);
  return Object.fromEntries(Object.entries(seats).filter(([tunnelId]) => !gone.has(tunnelId)));
};

/** One state: the seats are all there is. */
export const linkSeatsMachine = setup({
  types: { context: {} as LinkSeatsContext, events: {} as LinkSeatsEvent },
}).createMachine({
  id: 'linkseats',
  context: { seats: {} },
  on: {
    LinkSeatTaken: { actions: assign(({ context, event }) => ({ seats: { ...context.seats, [event.data.tunnelId]: event.data.takenAt } })) },
    LinkSeatsFreed: { actions: assign(({ context, event }) => ({ seats: without(context.seats, event.data.tunnelIds) })) },
  },
});
