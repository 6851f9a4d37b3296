import { describe, expect, it } from 'vitest';
import { isTetherError } from '../../domain/errors.js';
import { LoginThrottle, LoginThrottled } from '../../api/login-throttle.js';
import { ManualClock } from '../support/manual-clock.js';

function refusal(check: () => void): LoginThrottled | undefined {
  try {
    check();
  } catch (error) {
    if (error instanceof LoginThrottled) return error;
    throw error;
  }
  return undefined;
}

describe('login throttle', () => {
  it('refuses an address after its failures, for the rest of the window only', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle(clock, { maxFailures: 3, windowMs: 10_000 });
    for (let i = 0; i < 3; i += 1) {
      expect(refusal(() => throttle.check('a'))).toBeUndefined();
      throttle.failed('a');
    }
    const refused = refusal(() => throttle.check('a'));
    expect(isTetherError(refused, 'rate_limited')).toBe(true);
    expect(refused?.retryAfterSeconds).toBe(10);
    expect(refusal(() => throttle.check('b'))).toBeUndefined();

    clock.advance(9_500);
    expect(refusal(() => throttle.check('a'))?.retryAfterSeconds).toBe(1);
    clock.advance(500);
    expect(refusal(() => throttle.check('a'))).toBeUndefined();
  });

  it('starts a new window after the old one ends', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle(clock, { maxFailures: 2, windowMs: 1_000 });
    throttle.failed('a');
    clock.advance(1_000);
    throttle.failed('a');
    expect(refusal(() => throttle.check('a'))).toBeUndefined();
    throttle.failed('a');
    expect(refusal(() => throttle.check('a'))).toBeDefined();
  });
});
