import type { Database } from '../projection.js';

// `state` is what the events say; whether a 'live' code is past its expiry is asked of the clock at query time.
export function createProvisioningCodeTables(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS provisioning_codes (
      code_id TEXT PRIMARY KEY,
      tenant_id TEXT NOT NULL,
      expires_at TEXT NOT NULL,
      max_uses INTEGER,
      uses INTEGER NOT NULL,
      state TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      position INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS provisioning_codes_by_tenant ON provisioning_codes (tenant_id, state, expires_at);
  `);
}

export function dropProvisioningCodeTables(db: Database): void {
  db.exec('DROP TABLE IF EXISTS provisioning_codes;');
}
