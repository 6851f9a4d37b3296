import type { Aggregate } from '../aggregate.js';
import type { InstanceCommand } from './commands.js';
import { decideInstance } from './decide.js';
import { InstanceEvent } from './events.js';
import { instanceMachine } from './machine.js';

export const instanceAggregate: Aggregate<typeof instanceMachine, InstanceCommand> = {
  category: 'instance',
  machine: instanceMachine,
  events: InstanceEvent,
  decide: (state, command) => decideInstance(state, command),
};
