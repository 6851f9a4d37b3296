// The contract a read model implements. The runner owns the read-model file, the
// transaction and the checkpoint; a projection only turns one stored event into rows
// and the changes dashboards should hear about.
import type BetterSqlite3 from 'better-sqlite3';
import type { EventFilter, RecordedEvent } from '../domain/ports/event-store.js';

export type Database = BetterSqlite3.Database;

export interface ReadModelChange {
  /** Named after the read model, e.g. 'tenant.changed'. */
  readonly name: string;
  /** The tenants it concerns: a dashboard hears it when its scope holds one of them; admins hear all. */
  readonly tenants: readonly string[];
  readonly payload: unknown;
}

export interface PublishedChange extends ReadModelChange {
  /** Global position of the event that caused it, so a client can resume from it. */
  readonly position: number;
}

export interface Projection {
  /** Unique per runner, e.g. 'tenants'; keys its checkpoint. */
  readonly name: string;
  /** Bump when tables or logic change: the runner then drops and rebuilds this projection. */
  readonly version: number;
  /** Events that do not match are skipped (their position still counts as processed). */
  readonly filter?: EventFilter;
  /** Creates its tables (IF NOT EXISTS). */
  migrate(db: Database): void;
  /** Drops its tables (IF EXISTS). */
  drop(db: Database): void;
  /** Synchronous, inside the runner's transaction; throwing stops the runner. */
  apply(db: Database, event: RecordedEvent): readonly ReadModelChange[];
}
