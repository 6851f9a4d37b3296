// Job and job-device views as rows, and back.
import { preparedOnce } from '../prepared-once.js';
import type { Database } from '../projection.js';
import type { JobDeviceView, JobView } from './job-view.js';

const statementsOf = preparedOnce((db) => ({
  job: db.prepare<[string], string>('SELECT view FROM jobs WHERE id = ?').pluck(),
  upsertJob: db.prepare<[string, string, string, number, string, number]>(
    `INSERT INTO jobs (id, kind, state, seq, view, position) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET state = excluded.state, view = excluded.view, position = excluded.position`,
  ),
  addTenant: db.prepare<[string, string]>('INSERT OR IGNORE INTO job_tenants (job_id, tenant_id) VALUES (?, ?)'),
  device: db.prepare<[string, string], string>('SELECT view FROM job_devices WHERE job_id = ? AND mac = ?').pluck(),
  upsertDevice: db.prepare<[string, string, string, string, string]>(
    `INSERT INTO job_devices (job_id, mac, tenant_id, status, view) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (job_id, mac) DO UPDATE SET tenant_id = excluded.tenant_id, status = excluded.status, view = excluded.view`,
  ),
}));

export function loadJob(db: Database, id: string): JobView | undefined {
  const view = statementsOf(db).job.get(id);
  return view === undefined ? undefined : (JSON.parse(view) as JobView);
}

/** `seq` orders jobs by creation: the position of their first event. */
export function saveJob(db: Database, view: JobView, seq: number, position: number): void {
  const statements = statementsOf(db);
  statements.upsertJob.run(view.id, view.kind, view.state, seq, JSON.stringify(view), position);
  for (const tenant of view.tenants) statements.addTenant.run(view.id, tenant);
}

export function loadJobDevice(db: Database, jobId: string, mac: string): JobDeviceView | undefined {
  const view = statementsOf(db).device.get(jobId, mac);
  return view === undefined ? undefined : (JSON.parse(view) as JobDeviceView);
}

export function saveJobDevice(db: Database, jobId: string, view: JobDeviceView): void {
  statementsOf(db).upsertDevice.run(jobId, view.mac, view.tenant, view.status, JSON.stringify(view));
}
