import type { Database } from '../projection.js';

export function createAuditorTables(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS auditors (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      tenants TEXT,
      disabled INTEGER NOT NULL DEFAULT 0,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      position INTEGER NOT NULL
    );
  `);
}

export function dropAuditorTables(db: Database): void {
  db.exec('DROP TABLE IF EXISTS auditors;');
}
