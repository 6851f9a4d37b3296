// Callers waiting for the read models to reach a position (read-your-writes, tests).
import { TetherError } from '../domain/errors.js';

interface Waiter {
  readonly position: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class PositionWaiters {
  private waiters = new Set<Waiter>();

  wait(position: number, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        position,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(
            new TetherError('unavailable', `read models did not reach position ${position} within ${timeoutMs} ms`),
          );
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  get waiting(): boolean {
    return this.waiters.size > 0;
  }

  /** Resolves every waiter at or below `position`. */
  reached(position: number): void {
    for (const waiter of this.waiters) {
      if (waiter.position <= position) this.settle(waiter).resolve();
    }
  }

  rejectAll(error: Error): void {
    for (const waiter of this.waiters) this.settle(waiter).reject(error);
  }

  private settle(waiter: Waiter): Waiter {
    clearTimeout(waiter.timer);
    this.waiters.delete(waiter);
    return waiter;
  }
}
