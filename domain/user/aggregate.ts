import type { Aggregate } from '../aggregate.js';
import type { UserCommand } from './commands.js';
import { decideUser } from './decide.js';
import { UserEvent } from './events.js';
import { userMachine } from './machine.js';

/** Streams are `user-<id>`. */
export const userAggregate: Aggregate<typeof userMachine, UserCommand> = {
  category: 'user',
  machine: userMachine,
  events: UserEvent,
  decide: (state, command) => decideUser(state, command),
};
