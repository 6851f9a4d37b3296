// The node's own read-model file: one SQLite database holding every projection's rows and,
// beside them, each projection's checkpoint (checkpoint-table.ts).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CheckpointTable } from './checkpoint-table.js';
import type { Database, Projection } from './projection.js';

export interface ReadModelFile {
  readonly db: Database;
  readonly checkpoints: CheckpointTable;
}

/**
 * WAL, so the API reads while the runner writes; synchronous NORMAL, since a transaction a crash
 * loses is only replayed from the store on the next start.
 */
export function openReadModelFile(file: string): ReadModelFile {
  mkdirSync(dirname(file), { recursive: true });
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return { db, checkpoints: new CheckpointTable(db) };
}

/** Drops a projection's rows and starts its checkpoint over, from before the first event. */
export function resetProjection({ db, checkpoints }: ReadModelFile, projection: Projection): void {
  projection.drop(db);
  projection.migrate(db);
  checkpoints.set(projection.name, { version: projection.version, position: -1 });
}
