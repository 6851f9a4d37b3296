import type { Aggregate } from '../aggregate.js';
import type { RelaySeatsCommand } from './commands.js';
import { decideRelaySeats } from './decide.js';
import { RelaySeatsEvent } from './events.js';
import { relaySeatsMachine } from './machine.js';

/**
 * The sessions a relay carries, counted for the whole cluster: every hub node takes a seat in
 * `relayseats-<relay>` before it asks the relay for a port, appended with an expected
 * revision, so two nodes placing at once cannot both take the last one.
 */
export const relaySeatsAggregate: Aggregate<typeof relaySeatsMachine, RelaySeatsCommand> = {
  category: 'relayseats',
  machine: relaySeatsMachine,
  events: RelaySeatsEvent,
  decide: decideRelaySeats,
};
