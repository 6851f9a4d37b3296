import * as t from 'io-ts';

/** A node took one of the relay's seats for link `tunnelId`, before asking the relay for a port. */
export const RelaySeatTaken = t.type({
  type: t.literal('RelaySeatTaken'),
  data: t.type({ tunnelId: t.string, takenAt: t.string }),
});
export type RelaySeatTaken = t.TypeOf<typeof RelaySeatTaken>;

/** These seats are free again: their links ended, or were never recorded as opened. */
export const RelaySeatsFreed = t.type({
  type: t.literal('RelaySeatsFreed'),
  data: t.type({ tunnelIds: t.array(t.string) }),
});
export type RelaySeatsFreed = t.TypeOf<typeof RelaySeatsFreed>;

export const RelaySeatsEvent = t.union([RelaySeatTaken, RelaySeatsFreed]);
export type RelaySeatsEvent = t.TypeOf<typeof RelaySeatsEvent>;
