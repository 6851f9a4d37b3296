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
  failures: number;
}

// Bounds memory under a flood of distinct addresses; expired windows go first.
const maxTracked = 100_000;

export class LoginThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: LoginThrottleLimits = defaultLoginThrottleLimits,
  ) {}

  /** Throws LoginThrottled while `client` has used up its failures in the current window. */
  check(client: string): void {
    const window = this.current(client);
    if (window && window.failures >= this.limits.maxFailures) {
      const remainingMs = window.startedAt + this.limits.windowMs - this.clock.now().getTime();
      throw new LoginThrottled(Math.max(1, Math.ceil(remainingMs / 1000)));
    }
  }

  failed(client: string): void {
    const window = this.current(client);
    if (window) {
      window.failures += 1;
      return;
    }
    if (this.windows.size >= maxTracked) this.prune();
    this.windows.set(client, { startedAt: this.clock.now().getTime(), failures: 1 });
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
