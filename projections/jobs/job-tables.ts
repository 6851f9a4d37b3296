import type { Database } from '../projection.js';

// A job's view is kept whole as JSON beside the columns lists filter and sort on.
export function createJobTables(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS jobs (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      state TEXT NOT NULL,
      seq INTEGER NOT NULL,
      view TEXT NOT NULL,
      position INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS jobs_by_kind ON jobs (kind, seq);
    CREATE TABLE IF NOT EXISTS job_tenants (
      job_id TEXT NOT NULL,
      tenant_id TEXT NOT NULL,
      PRIMARY KEY (job_id, tenant_id)
    );
    CREATE INDEX IF NOT EXISTS job_tenants_by_tenant ON job_tenants (tenant_id, job_id);
    CREATE TABLE IF NOT EXISTS job_devices (
      job_id TEXT NOT NULL,
      mac TEXT NOT NULL,
      tenant_id TEXT NOT NULL,
      status TEXT NOT NULL,
      view TEXT NOT NULL,
      PRIMARY KEY (job_id, mac)
    );
  `);
}

export function dropJobTables(db: Database): void {
  db.exec('DROP TABLE IF EXISTS jobs; DROP TABLE IF EXISTS job_tenants; DROP TABLE IF EXISTS job_devices;');
}
