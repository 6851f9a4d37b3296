import type { Database } from '../projection.js';

export function createUserTables(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS users (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      email TEXT,
      role TEXT NOT NULL,
      tenants TEXT,
      disabled INTEGER NOT NULL DEFAULT 0,
      deleted INTEGER NOT NULL DEFAULT 0,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      position INTEGER NOT NULL
    );
  `);
}

export function dropUserTables(db: Database): void {
  db.exec('DROP TABLE IF EXISTS users;');
}
