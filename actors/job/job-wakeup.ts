// The pool's one wake-up: at the end of the resume grace, or a retry after a failed step.
// Neither is a fact of a job's events (a grace belongs to this run of the hub, a failed step
// to this process), so they are not the runtime's deadlines. It only wakes the pool, which
// reads the clock again, so correctness never depends on it firing on time.
import type { Clock, TimerHandle } from '../../domain/ports/clock.js';

export class Wakeup {
  private timer: TimerHandle | undefined;
  private timerAt: number | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly wake: () => void,
  ) {}

  /** Wakes at `earliest` (epoch ms; at once when past), replacing any wake-up set before; none when undefined. */
  at(earliest: number | undefined): void {
    if (earliest === this.timerAt) return;
    this.timer?.cancel();
    this.timerAt = earliest;
    this.timer =
      earliest === undefined
        ? undefined
        : this.clock.at(new Date(earliest), () => {
            this.timerAt = undefined;
            this.timer = undefined;
            this.wake();
          });
  }

  cancel(): void {
    this.at(undefined);
  }
}

/** The earliest of some moments, ignoring those not set. */
export function earliestOf(moments: readonly (number | undefined)[]): number | undefined {
  let earliest: number | undefined;
  for (const at of moments) if (at !== undefined && (earliest === undefined || at < earliest)) earliest = at;
  return earliest;
}
