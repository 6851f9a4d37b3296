import type { Database } from '../projection.js';

// One row per relay ever registered: its machine state (to fold the next event through the
// relay machine itself) and the view the API and dashboards read.
export function createRelayTables(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS relays (
      name TEXT PRIMARY KEY,
      state TEXT NOT NULL,
      machine_state TEXT NOT NULL,
      context TEXT NOT NULL,
      view TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      position INTEGER NOT NULL
    );
  `);
}

export function dropRelayTables(db: Database): void {
  db.exec('DROP TABLE IF EXISTS relays;');
}
