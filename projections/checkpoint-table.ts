// Each projection's checkpoint lives in the read-model file beside its tables and is
// written in the same transaction as its rows, so a crash never double-applies or skips.
// The file also names the store its checkpoints are positions of: a position means nothing
// in another store.
import type { Database } from './projection.js';

export interface Checkpoint {
  readonly version: number;
  /** Position of the last event this projection has processed; -1 before the first. */
  readonly position: number;
}

export class CheckpointTable {
  private readonly selectOne;
  private readonly upsert;
  private readonly remove;
  private readonly selectStore;
  private readonly replaceStore;

  constructor(db: Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS checkpoints (
      projection TEXT PRIMARY KEY,
      version INTEGER NOT NULL,
      position INTEGER NOT NULL
    )`);
    this.selectOne = db.prepare<[string], Checkpoint>('SELECT version, position FROM checkpoints WHERE projection = ?');
    this.upsert = db.prepare<[string, number, number]>(
      `INSERT INTO checkpoints (projection, version, position) VALUES (?, ?, ?)
       ON CONFLICT (projection) DO UPDATE SET version = excluded.version, position = excluded.position`,
    );
    this.remove = db.prepare<[string]>('DELETE FROM checkpoints WHERE projection = ?');
    db.exec('CREATE TABLE IF NOT EXISTS checkpoint_store (single INTEGER PRIMARY KEY CHECK (single = 1), identity TEXT NOT NULL)');
    this.selectStore = db.prepare<[], string>('SELECT identity FROM checkpoint_store').pluck();
    this.replaceStore = db.prepare<[string]>('INSERT INTO checkpoint_store (single, identity) VALUES (1, ?) ON CONFLICT (single) DO UPDATE SET identity = excluded.identity');
  }

  /** The identity of the store the checkpoints belong to; undefined in a file from before it was kept. */
  get store(): string | undefined {
    return this.selectStore.get();
  }

  set store(identity: string) {
    this.replaceStore.run(identity);
  }

  get(projection: string): Checkpoint | undefined {
    return this.selectOne.get(projection);
  }

  set(projection: string, checkpoint: Checkpoint): void {
    this.upsert.run(projection, checkpoint.version, checkpoint.position);
  }

  delete(projection: string): void {
    this.remove.run(projection);
  }
}
