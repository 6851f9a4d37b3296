import type { Database } from '../projection.js';

// Every list is ordered by (created_time DESC, id DESC); each filter has an index that keeps
// that order, so a page of one device's or one user's sessions reads only its rows.
export function createSessionTables(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS sessions (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      state TEXT NOT NULL,
      device TEXT NOT NULL,
      tenant_id TEXT NOT NULL,
      relay TEXT NOT NULL,
      protocol TEXT NOT NULL,
      device_port INTEGER NOT NULL,
      port INTEGER NOT NULL,
      encrypted INTEGER NOT NULL,
      requested_by_id TEXT NOT NULL,
      requested_by_role TEXT NOT NULL,
      user_ip TEXT,
      client_ip TEXT,
      agent_ip TEXT,
      created_time TEXT NOT NULL,
      end_time TEXT,
      termination_cause TEXT,
      bytes_to_device INTEGER NOT NULL,
      bytes_from_device INTEGER NOT NULL,
      streams INTEGER NOT NULL,
      live_stream_ids TEXT NOT NULL,
      reported_to_device INTEGER NOT NULL,
      reported_from_device INTEGER NOT NULL,
      closed_to_device INTEGER NOT NULL,
      closed_from_device INTEGER NOT NULL,
      updated_at TEXT NOT NULL,
      position INTEGER NOT NULL,
      source_id TEXT,
      mode TEXT,
      target TEXT,
      endpoint TEXT,
      tls INTEGER
    );
    CREATE INDEX IF NOT EXISTS sessions_by_time ON sessions (created_time, id);
    CREATE INDEX IF NOT EXISTS sessions_by_tenant ON sessions (tenant_id, created_time, id);
    CREATE INDEX IF NOT EXISTS sessions_by_device ON sessions (device, created_time, id);
    CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (requested_by_id, created_time, id);
    CREATE INDEX IF NOT EXISTS sessions_by_state ON sessions (state, created_time, id);
  `);
}

export function dropSessionTables(db: Database): void {
  db.exec('DROP TABLE IF EXISTS sessions;');
}
