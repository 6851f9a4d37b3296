// The fixed windows of the per-address limits kept per node (gateway hellos, relay
// registrations), on the injected clock.
import { describe, expect, it } from 'vitest';
import { RateWindows } from '../../../actors/gateway/rate-window.js';
import { ManualClock } from '../../support/manual-clock.js';

describe('RateWindows', () => {
  it('allows the limit per key and window, then refuses until the window ends', () => {
    const clock = new ManualClock();
    const windows = new RateWindows(clock, { limit: 2, windowMs: 1000 });
    expect([windows.take('a'), windows.take('a'), windows.take('a'), windows.take('b')]).toEqual([true, true, false, true]);
    clock.advance(999);
    expect(windows.take('a')).toBe(false);
    clock.advance(1);
    expect(windows.take('a')).toBe(true);
  });

  it('gives back one taken for an action that then failed', () => {
    const windows = new RateWindows(new ManualClock(), { limit: 1, windowMs: 1000 });
    expect(windows.take('a')).toBe(true);
    windows.release('a');
    expect(windows.take('a')).toBe(true);
    expect(windows.take('a')).toBe(false);
  });
});
