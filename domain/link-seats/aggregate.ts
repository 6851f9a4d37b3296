import type { Aggregate } from '../aggregate.js';
import { TetherError } from '../errors.js';
import type { LinkSeatsCommand } from './commands.js';
import { decideLinkSeats } from './decide.js';
import type { SeatsFull } from './decide.js';
import { LinkSeatsEvent } from './events.js';
import { linkSeatsMachine } from './machine.js';

export type LinkSeatsAggregate = Aggregate<typeof linkSeatsMachine, LinkSeatsCommand>;

/**
 * Links counted for the whole cluster: every hub node takes a seat in `<category>-<id>` before
 * it opens a link, appended with an expected revision, so two nodes opening at once cannot
 * both take the last one. A seat is held until its link's end is stored, by whichever node.
 */
const seatStream = (category: string, full: SeatsFull): LinkSeatsAggregate => ({
  category,
  machine: linkSeatsMachine,
  events: LinkSeatsEvent,
  decide: decideLinkSeats(full),
});

/** The sessions a relay carries, against its maxSessions: `relayseats-<relay>`. */
export const relaySeatsAggregate = seatStream(
  'relayseats',
  (capacity) => new TetherError('no_relay_available', `the relay carries its maxSessions (${capacity}) already, counting every hub node's sessions`),
);

/** The links a tenant holds open, against --link-max-per-tenant: `tenantlinkseats-<tenant>`. */
export const tenantLinkSeatsAggregate = seatStream(
  'tenantlinkseats',
  (capacity) =>
    new TetherError('tenant_link_limit', `the tenant holds ${capacity} open device links on the hub's nodes, as many as one tenant may (--link-max-per-tenant): close one first`),
);
