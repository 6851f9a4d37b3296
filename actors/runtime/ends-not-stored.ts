// Ends that must be stored and could not be (the store was briefly down): a device link's, a
// protocol-application session's. Until its end is stored, what the ended thing held (a tenant's
// link seat, a relay's) counts as live on every node; so each is recorded again, on the injected
// clock, waiting twice as long after each failure up to a cap, until it is stored or the node
// stops (what is left open then, the next start-up of this node records ended). The first
// failure here is logged, later ones only now and then, so a long outage does not flood the log.
import type { Clock, TimerHandle } from '../../domain/ports/clock.js';

/** How long the first retry of an end waits; each failure doubles it, up to `endRetryCapMs`. */
export const endRetryMs = 1000;
export const endRetryCapMs = 60_000;

export interface EndsNotStoredOptions {
  readonly clock: Clock;
  readonly logger: { error(fields: Record<string, unknown>, message: string): void };
  /** What ends, for the log: "a device link". */
  readonly what: string;
}

/** One end being recorded again: its timer while it waits. */
interface Retry {
  timer: TimerHandle | undefined;
}

export class EndsNotStored {
  private readonly retries = new Map<string, Retry>();
  private stopped = false;

  constructor(private readonly options: EndsNotStoredOptions) {}

  /**
   * The end of `id` could not be stored: `record` stores it again after a while, until it
   * succeeds. A later call for the same id replaces the earlier one.
   */
  notStored(id: string, record: () => Promise<unknown>, fields: Record<string, unknown>): void {
    this.stored(id);
    this.schedule(id, { timer: undefined }, record, fields, 1);
  }

  /** The end of `id` is stored (by whatever means): nothing more to record. */
  stored(id: string): void {
    this.retries.get(id)?.timer?.cancel();
    this.retries.delete(id);
  }

  /** Stops recording ends again. */
  stop(): void {
    this.stopped = true;
    this.retries.forEach((retry) => retry.timer?.cancel());
    this.retries.clear();
  }

  private schedule(id: string, retry: Retry, record: () => Promise<unknown>, fields: Record<string, unknown>, failures: number): void {
    if (this.stopped) return;
    this.retries.set(id, retry);
    const { clock, logger, what } = this.options;
    const delayMs = Math.min(endRetryMs * 2 ** (failures - 1), endRetryCapMs);
    retry.timer = clock.at(new Date(clock.now().getTime() + delayMs), () => {
      retry.timer = undefined;
      record().then(
        () => {
          if (this.retries.get(id) === retry) this.retries.delete(id);
        },
        (error: unknown) => {
          // Stored meanwhile by other means, or replaced: this one is done.
          if (this.retries.get(id) !== retry) return;
          // Logged the first time, then at 2, 4, 8… failures (about hourly once at the cap).
          if ((failures & (failures - 1)) === 0) logger.error({ err: error, ...fields, failures }, `could not record the end of ${what}; trying again`);
          this.schedule(id, retry, record, fields, failures + 1);
        },
      );
    });
  }
}
