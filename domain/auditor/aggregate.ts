import type { Aggregate } from '../aggregate.js';
import type { AuditorCommand } from './commands.js';
import { decideAuditor } from './decide.js';
import { AuditorEvent } from './events.js';
import { auditorMachine } from './machine.js';

/** Streams are `auditor-<id>`. */
export const auditorAggregate: Aggregate<typeof auditorMachine, AuditorCommand> = {
  category: 'auditor',
  machine: auditorMachine,
  events: AuditorEvent,
  decide: (state, command) => decideAuditor(state, command),
};
