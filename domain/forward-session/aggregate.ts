import type { Aggregate } from '../aggregate.js';
import type { ForwardCommand } from './commands.js';
import { decideForward, isForwardOpen } from './decide.js';
import { ForwardEvent } from './events.js';
import { forwardMachine } from './machine.js';

/**
 * A session of a proxy profile or a protocol application; streams are `forward-<uuid>`. Like
 * a DeviceLink's, its sockets do not survive their process: a node that restarts closes the
 * sessions it left open (cause hub-shutdown) by an event.
 */
export const forwardAggregate: Aggregate<typeof forwardMachine, ForwardCommand> = {
  category: 'forward',
  machine: forwardMachine,
  events: ForwardEvent,
  decide: decideForward,
  // An open session holds live sockets: it must not be passivated.
  keepResident: isForwardOpen,
};
