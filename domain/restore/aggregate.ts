import type { Aggregate } from '../aggregate.js';
import type { RestoreCommand } from './commands.js';
import { decideRestore, restoreDeadlines } from './decide.js';
import { RestoreEvent } from './events.js';
import { restoreMachine } from './machine.js';

/** Streams are `restore-<requestId>`. */
export const restoreAggregate: Aggregate<typeof restoreMachine, RestoreCommand> = {
  category: 'restore',
  machine: restoreMachine,
  events: RestoreEvent,
  decide: decideRestore,
  deadlines: restoreDeadlines,
};
