import type { Database } from '../projection.js';

export function createTenantTables(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS tenants (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      password_deployment INTEGER NOT NULL DEFAULT 1,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      position INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS tenant_grants (
      tenant_id TEXT NOT NULL,
      granted_tenant_id TEXT NOT NULL,
      PRIMARY KEY (tenant_id, granted_tenant_id)
    );
  `);
}

export function dropTenantTables(db: Database): void {
  db.exec('DROP TABLE IF EXISTS tenant_grants; DROP TABLE IF EXISTS tenants;');
}
