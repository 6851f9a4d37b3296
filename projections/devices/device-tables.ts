import type { Database } from '../projection.js';

// `tenant_id` is the assignment the device keeps; `listed_tenant_id` is the tenant the list
// shows (null while unassigned or unauthenticated), the one that scopes who may see it.
// Keyed by MAC alone (WITHOUT ROWID): every read and write finds a device by its MAC, and the
// list walks them in MAC order. No index on the state or listed tenant: the list's optional
// filters cannot use one, and each connection and its end would rewrite its entries.
export function createDeviceTables(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS devices (
      mac TEXT PRIMARY KEY,
      tenant_id TEXT,
      listed_tenant_id TEXT,
      state TEXT NOT NULL,
      online INTEGER NOT NULL,
      authenticated INTEGER NOT NULL,
      connection_id TEXT,
      ip TEXT,
      last_seen TEXT,
      connected_since TEXT,
      model TEXT NOT NULL,
      firmware TEXT NOT NULL,
      apps TEXT NOT NULL,
      software TEXT NOT NULL,
      categories TEXT NOT NULL,
      name TEXT,
      site TEXT,
      admin_categories TEXT NOT NULL,
      registered_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      position INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS device_categories (
      mac TEXT NOT NULL,
      category TEXT NOT NULL,
      PRIMARY KEY (mac, category)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS device_categories_by_category ON device_categories (category, mac);
  `);
}

export function dropDeviceTables(db: Database): void {
  db.exec('DROP TABLE IF EXISTS device_categories; DROP TABLE IF EXISTS devices;');
}
