// What the projection runner tells a journal of its published changes, inside the very
// transactions that change the read models, so the journal never disagrees with them.
import type { Database, PublishedChange } from '../projection.js';

export interface ChangeJournal {
  /** Creates its tables (IF NOT EXISTS). A journal created now holds the changes after `position`. */
  migrate(db: Database, position: number): void;
  /**
   * Forgets every change it holds: projections were rebuilt, so what they published before may
   * differ from what they publish now. It holds the changes after `position` from then on.
   */
  reset(db: Database, position: number): void;
  /** The changes of one committed batch, in position order. */
  record(db: Database, changes: readonly PublishedChange[]): void;
}
