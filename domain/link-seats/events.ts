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

const currentEvent = t.union([LinkSeatTaken, LinkSeatsFreed]);
export type LinkSeatsEvent = t.TypeOf<typeof currentEvent>;

/** The names relay seats were stored under before tenants had seats too: stored events keep their names, so they are read as today's. */
const formerNames: Readonly<Record<string, LinkSeatsEvent['type']>> = { RelaySeatTaken: 'LinkSeatTaken', RelaySeatsFreed: 'LinkSeatsFreed' };

const underTodaysName = (input: unknown): unknown => {
  if (typeof input !== 'object' || input === null || !('type' in input) || typeof input.type !== 'string') return input;
  const renamed = formerNames[input.type];
  return renamed === undefined ? input : { ...input, type: renamed };
};

export const LinkSeatsEvent = new t.Type<LinkSeatsEvent, LinkSeatsEvent, unknown>(
  'LinkSeatsEvent',
  currentEvent.is,
  (input, context) => currentEvent.validate(underTodaysName(input), context),
  t.identity,
);
