import type { Aggregate } from '../aggregate.js';
import type { RelayCommand } from './commands.js';
import { decideRelay, relayDeadlines } from './decide.js';
import { RelayEvent } from './events.js';
import { relayMachine } from './machine.js';

/**
 * A relay server (the seed's Global Access Server); streams are `relay-<name>`. Its heartbeat
 * deadline is data (reportingUntil), re-armed by the runtime at start-up.
 */
export const relayAggregate: Aggregate<typeof relayMachine, RelayCommand> = {
  category: 'relay',
  machine: relayMachine,
  events: RelayEvent,
  decide: decideRelay,
  deadlines: relayDeadlines,
};
