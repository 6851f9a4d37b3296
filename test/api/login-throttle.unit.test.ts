import { describe, expect, it } from 'vitest';
import { isTetherError } from '../../domain/errors.js';
import { LoginThrottle, LoginThrottled } from '../../api/login-throttle.js';
import type { LoginAttempt } from '../../api/login-throttle.js';
import { ManualClock } from '../support/manual-clock.js';

function refusal(reserve: () => LoginAttempt): LoginThrottled | undefined {
  try {
    reserve();
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
    for (let i = 0; i < 3; i += 1) expect(refusal(() => throttle.reserve('a'))).toBeUndefined();
    const refused = refusal(() => throttle.reserve('a'));
    expect(isTetherError(refused, 'rate_limited')).toBe(true);
    expect(refused?.retryAfterSeconds).toBe(10);
    expect(refusal(() => throttle.reserve('b'))).toBeUndefined();

    clock.advance(9_500);
    expect(refusal(() => throttle.reserve('a'))?.retryAfterSeconds).toBe(1);
    clock.advance(500);
    expect(refusal(() => throttle.reserve('a'))).toBeUndefined();
  });

  it('starts a new window after the old one ends', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle(clock, { maxFailures: 2, windowMs: 1_000 });
    throttle.reserve('a');
    clock.advance(1_000);
    throttle.reserve('a');
    expect(refusal(() => throttle.reserve('a'))).toBeUndefined();
    expect(refusal(() => throttle.reserve('a'))).toBeDefined();
  });

  it('counts attempts still being checked, and gives back the slot of one that succeeded', () => {
    const throttle = new LoginThrottle(new ManualClock(), { maxFailures: 2, windowMs: 1_000 });
    const first = throttle.reserve('a');
    throttle.reserve('a');
    expect(refusal(() => throttle.reserve('a'))).toBeDefined();
    first.succeeded();
    expect(refusal(() => throttle.reserve('a'))).toBeUndefined();
    expect(refusal(() => throttle.reserve('a'))).toBeDefined();
  });

  it('keeps a success in an ended window from freeing a slot of the next one', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle(clock, { maxFailures: 1, windowMs: 1_000 });
    const old = throttle.reserve('a');
    clock.advance(1_000);
    throttle.reserve('a');
    old.succeeded();
    expect(refusal(() => throttle.reserve('a'))).toBeDefined();
  });
});
