import * as t from 'io-ts';

/** A node took a seat for link `tunnelId`, before opening it. */
export const LinkSeatTaken = t.type({
  type: t.literal('LinkSeatTaken'),
  data: t.type({ tunnelId: t.string, takenAt: t.string }),
});
export type LinkSeatTaken = t.TypeOf<typeof LinkSeatTaken>;

/** These seats are free again: their links ended, or were never recorded as opened. */
export const LinkSeatsFreed = t.type({
  type: t.literal('LinkSeatsFreed'),
  data: t.type({ tunnelIds: t.array(t.string) }),
});
export type LinkSeatsFreed = t.TypeOf<typeof LinkSeatsFreed>;

export const LinkSeatsEvent = t.union([LinkSeatTaken, LinkSeatsFreed]);
export type LinkSeatsEvent = t.TypeOf<typeof LinkSeatsEvent>;
