import type { PublishedChange } from '../projection.js';

/** A published change as the change log keeps it. */
export interface LoggedChange extends PublishedChange {
  /** Orders the changes of the log, those of one position included. */
  readonly id: number;
}
