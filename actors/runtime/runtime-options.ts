// How a runtime is built: its store and clock, and the limits it keeps.
import type { Clock } from '../../domain/ports/clock.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import type { ResidencyLimits } from './resident-actors.js';

export interface RuntimeLogger {
  error(details: object, message: string): void;
}

export interface RuntimeOptions {
  readonly store: EventStore;
  readonly clock: Clock;
  readonly limits?: Partial<ResidencyLimits>;
  /** Retries after losing an optimistic-concurrency race. */
  readonly maxRetries?: number;
  readonly logger?: RuntimeLogger;
}
