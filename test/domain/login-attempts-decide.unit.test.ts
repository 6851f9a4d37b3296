import { describe, expect, it } from 'vitest';
import { loginAttemptsAggregate } from '../../domain/login-attempts/aggregate.js';
import { retryAfterSeconds } from '../../domain/login-attempts/decide.js';
import type { LoginAttemptsEvent } from '../../domain/login-attempts/events.js';
import { loginAttemptsMachine } from '../../domain/login-attempts/machine.js';
import { given, stateAfter } from '../support/given-when-then.js';

const now = new Date('2026-01-01T00:00:00.000Z');
const later = (ms: number): Date => new Date(now.getTime() + ms);
const limits = { maxFailures: 3, windowMs: 10_000 };
const record = { type: 'RecordLoginFailure', windowMs: limits.windowMs } as const;
const failed = (windowStartedAt = now.toISOString()): LoginAttemptsEvent => ({ type: 'LoginFailed', data: { windowStartedAt } });
const after = (history: readonly LoginAttemptsEvent[]): ReturnType<typeof stateAfter<typeof loginAttemptsMachine>> => stateAfter(loginAttemptsMachine, history);

describe('login failures of an address', () => {
  it('are counted in a window that starts at the first one, and a new one once it ended', () => {
    given(loginAttemptsAggregate, []).when(record, { now }).then([failed()]);
    given(loginAttemptsAggregate, [failed(), failed()]).when(record, { now: later(9_999) }).then([failed()]);
    given(loginAttemptsAggregate, [failed(), failed()]).when(record, { now: later(10_000) }).then([failed(later(10_000).toISOString())]);
  });

  it('refuse further attempts for the rest of the window only, saying when to retry', () => {
    const full = after([failed(), failed(), failed()]);
    expect(retryAfterSeconds(after([failed(), failed()]), 0, limits, now)).toBeUndefined();
    expect(retryAfterSeconds(full, 0, limits, now)).toBe(10);
    expect(retryAfterSeconds(full, 0, limits, later(9_500))).toBe(1);
    expect(retryAfterSeconds(full, 0, limits, later(10_000))).toBeUndefined();
  });

  it('count with the attempts still being checked, whose failures would start a window now', () => {
    expect(retryAfterSeconds(after([failed()]), 1, limits, later(4_000))).toBeUndefined();
    expect(retryAfterSeconds(after([failed()]), 2, limits, later(4_000))).toBe(6);
    expect(retryAfterSeconds(after([]), 3, limits, now)).toBe(10);
    expect(retryAfterSeconds(after([failed()]), 3, limits, later(10_000))).toBe(10);
  });
});
