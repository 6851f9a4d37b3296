import type { Aggregate } from '../aggregate.js';
import type { LoginAttemptsCommand } from './commands.js';
import { decideLoginAttempts } from './decide.js';
import { LoginAttemptsEvent } from './events.js';
import { loginAttemptsMachine } from './machine.js';

/**
 * Failed logins of one client address, in fixed windows: stream `loginattempts-<id>`, the id
 * derived from the address. In the store, so every hub node of a cluster counts the same
 * attempts, and an append with an expected revision lets no two nodes take the last one.
 */
export const loginAttemptsAggregate: Aggregate<typeof loginAttemptsMachine, LoginAttemptsCommand> = {
  category: 'loginattempts',
  machine: loginAttemptsMachine,
  events: LoginAttemptsEvent,
  decide: decideLoginAttempts,
};
