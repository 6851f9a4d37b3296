import type { SnapshotFrom } from 'xstate';
import type { DecisionContext } from '../aggregate.js';
import type { LoginAttemptsCommand } from './commands.js';
import type { LoginAttemptsEvent } from './events.js';
import type { loginAttemptsMachine } from './machine.js';

export type LoginAttemptsState = SnapshotFrom<typeof loginAttemptsMachine>;

/** When the window that started at `windowStartedAt` ends (ms since the epoch); 0 for none. */
const windowEnd = (windowStartedAt: string, windowMs: number): number => (windowStartedAt === '' ? 0 : Date.parse(windowStartedAt) + windowMs);

/**
 * Whether one more attempt may be checked: undefined if so, else the seconds until the window
 * ends (Retry-After). `pending`: attempts not in the store yet (being checked on this node).
 */
export function retryAfterSeconds(state: LoginAttemptsState, pending: number, limits: { readonly maxFailures: number; readonly windowMs: number }, now: Date): number | undefined {
  const endsAt = windowEnd(state.context.windowStartedAt, limits.windowMs);
  const stored = endsAt > now.getTime() ? state.context.failures : 0;
  if (stored + pending < limits.maxFailures) return undefined;
  // Filled by attempts still being checked alone: their failures would start a window now.
  const remainingMs = stored > 0 ? endsAt - now.getTime() : limits.windowMs;
  return Math.max(1, Math.ceil(remainingMs / 1000));
}

export function decideLoginAttempts(state: LoginAttemptsState, command: LoginAttemptsCommand, { now }: DecisionContext): readonly LoginAttemptsEvent[] {
  const { windowStartedAt } = state.context;
  const current = windowEnd(windowStartedAt, command.windowMs) > now.getTime();
  return [{ type: 'LoginFailed', data: { windowStartedAt: current ? windowStartedAt : now.toISOString() } }];
}
