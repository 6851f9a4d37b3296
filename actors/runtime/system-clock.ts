import type { Clock, TimerHandle } from '../../domain/ports/clock.js';

// setTimeout overflows past 2^31-1 ms (about 24.8 days); longer waits are chained.
const maxDelay = 2_147_483_647;

export const systemClock: Clock = {
  now: () => new Date(),
  at(when: Date, fn: () => void): TimerHandle {
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      const delay = when.getTime() - Date.now();
      if (delay <= 0) {
        timer = setTimeout(fn, 0);
      } else {
        timer = setTimeout(arm, Math.min(delay, maxDelay));
      }
      timer.unref();
    };
    arm();
    return { cancel: () => clearTimeout(timer) };
  },
};
