// How often each key (a client address) may do something, in fixed windows read from the
// injected clock, so tests drive them. Memory is bounded under a flood of distinct keys.
import type { Clock } from '../../domain/ports/clock.js';

export interface RateLimit {
  /** Allowed per window; the rest are refused until the window ends. */
  readonly limit: number;
  readonly windowMs: number;
}

interface Window {
  readonly startedAt: number;
  count: number;
}

const maxTracked = 100_000;

export class RateWindows {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly clock: Clock,
    private readonly rate: RateLimit,
  ) {}

  /** Counts one for `key`: false, and nothing counted, once its allowance for this window is used up. */
  take(key: string): boolean {
    const now = this.clock.now().getTime();
    const window = this.windows.get(key);
    if (window !== undefined && now < window.startedAt + this.rate.windowMs) {
      if (window.count >= this.rate.limit) return false;
      window.count += 1;
      return true;
    }
    this.windows.delete(key);
    if (this.windows.size >= maxTracked) this.prune(now);
    this.windows.set(key, { startedAt: now, count: 1 });
    return this.rate.limit >= 1;
  }

  /** Gives back one taken for `key` whose action then failed, so only what was done counts. */
  release(key: string): void {
    const window = this.windows.get(key);
    if (window !== undefined && window.count > 0) window.count -= 1;
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows) if (now >= window.startedAt + this.rate.windowMs) this.windows.delete(key);
    // Still full: the oldest windows go (a Map iterates in insertion order).
    for (const key of this.windows.keys()) {
      if (this.windows.size < maxTracked) break;
      this.windows.delete(key);
    }
  }
}
