// Failed logins per client address, in fixed windows read from the injected clock.
// A plain counter rather than @fastify/rate-limit: that counts every request, and only
// failures must count, or an operator's scripted logins would lock themselves out.
import { TetherError } from '../domain/errors.js';
import type { Clock } from '../domain/ports/clock.js';

export interface LoginThrottleLimits {
  /** Failures allowed per window; the next attempt is refused until the window ends. */
  readonly maxFailures: number;
  readonly windowMs: number;
}

export const defaultLoginThrottleLimits: LoginThrottleLimits = { maxFailures: 5, windowMs: 60_000 };

/** Rate limited, with the seconds after which to try again (the Retry-After header). */
export class LoginThrottled extends TetherError {
  constructor(readonly retryAfterSeconds: number) {
    super('rate_limited', `too many failed logins; retry in ${retryAfterSeconds} s`);
  }
}

interface Window {
  readonly startedAt: number;
  /** Failed attempts and attempts still being checked. */
  attempts: number;
}

/** An attempt counted as failed until it succeeds; `succeeded` gives its slot back. */
export interface LoginAttempt {
  succeeded(): void;
}

// Bounds memory under a flood of distinct addresses; expired windows go first.
const maxTracked = 100_000;

export class LoginThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: LoginThrottleLimits = defaultLoginThrottleLimits,
  ) {}

  /**
   * Takes a slot for an attempt of `client` before its password is checked, so attempts arriving
   * together cannot all pass while none has failed yet. Throws LoginThrottled when none is left.
   */
  reserve(client: string): LoginAttempt {
    const window = this.current(client) ?? this.open(client);
    if (window.attempts >= this.limits.maxFailures) {
      const remainingMs = window.startedAt + this.limits.windowMs - this.clock.now().getTime();
      throw new LoginThrottled(Math.max(1, Math.ceil(remainingMs / 1000)));
    }
    window.attempts += 1;
    return {
      succeeded: () => {
        // A window that ended meanwhile took the attempt with it.
        if (this.windows.get(client) === window) window.attempts -= 1;
      },
    };
  }

  private open(client: string): Window {
    if (this.windows.size >= maxTracked) this.prune();
    const window = { startedAt: this.clock.now().getTime(), attempts: 0 };
    this.windows.set(client, window);
    return window;
  }

  private current(client: string): Window | undefined {
    const window = this.windows.get(client);
    if (window && this.expired(window)) {
      this.windows.delete(client);
      return undefined;
    }
    return window;
  }

  private expired(window: Window): boolean {
    return window.startedAt + this.limits.windowMs <= this.clock.now().getTime();
  }

  private prune(): void {
    for (const [client, window] of this.windows) if (this.expired(window)) this.windows.delete(client);
    // Still full: drop the oldest windows (a Map iterates in insertion order).
    for (const client of this.windows.keys()) {
      if (this.windows.size < maxTracked) break;
      this.windows.delete(client);
    }
  }
}
