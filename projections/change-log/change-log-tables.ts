import type { Database } from '../projection.js';

// `change_log.floor`: every change after this position is in `changes`; older ones may not be.
// AUTOINCREMENT: ids never go back, not even after the log was emptied.
export function createChangeLogTables(db: Database, floor: number): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS changes (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      position INTEGER NOT NULL,
      name TEXT NOT NULL,
      tenants TEXT NOT NULL,
      payload TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS changes_by_position ON changes (position);
    CREATE TABLE IF NOT EXISTS change_log (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      floor INTEGER NOT NULL
    );
  `);
  db.prepare('INSERT OR IGNORE INTO change_log (id, floor) VALUES (1, ?)').run(floor);
}
