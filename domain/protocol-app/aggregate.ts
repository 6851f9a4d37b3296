import type { Aggregate } from '../aggregate.js';
import type { ProtocolAppCommand } from './commands.js';
import { decideProtocolApp } from './decide.js';
import { ProtocolAppEvent } from './events.js';
import { protocolAppMachine } from './machine.js';

/** A protocol application (template) and the devices it is assigned to; streams are `protoapp-<uuid>`. */
export const protocolAppAggregate: Aggregate<typeof protocolAppMachine, ProtocolAppCommand> = {
  category: 'protoapp',
  machine: protocolAppMachine,
  events: ProtocolAppEvent,
  decide: (state, command) => decideProtocolApp(state, command),
};
