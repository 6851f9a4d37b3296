// Pure reads on the job read model, for the query API and the dashboards.
import type { DeviceStatus } from '../../domain/job/job-progress.js';
import type { Database } from '../projection.js';
import type { JobDeviceView, JobKind, JobView } from './job-view.js';

export interface ListJobsOptions {
  readonly kind?: JobKind;
  /** Tenant ids the caller may see (a job shows when one of its tenants does); undefined: all. */
  readonly visibleTo?: readonly string[];
  readonly state?: JobView['state'];
  /** Cursor: the seq of the last job of the previous page. */
  readonly before?: number;
  readonly limit: number;
}

export interface ListedJob {
  readonly seq: number;
  readonly job: JobView;
}

/** Newest first. */
export function listJobs(db: Database, options: ListJobsOptions): ListedJob[] {
  if (options.limit <= 0) return [];
  return db
    .prepare<Record<string, string | number | null>, { seq: number; view: string }>(
      `SELECT j.seq, j.view FROM jobs j
       WHERE (:kind IS NULL OR j.kind = :kind)
         AND (:state IS NULL OR j.state = :state)
         AND (:before IS NULL OR j.seq < :before)
         AND (:visible IS NULL OR EXISTS (SELECT 1 FROM job_tenants t
               WHERE t.job_id = j.id AND t.tenant_id IN (SELECT value FROM json_each(:visible))))
       ORDER BY j.seq DESC LIMIT :limit`,
    )
    .all({
      kind: options.kind ?? null,
      state: options.state ?? null,
      before: options.before ?? null,
      visible: options.visibleTo === undefined ? null : JSON.stringify(options.visibleTo),
      limit: options.limit,
    })
    .map((row) => ({ seq: row.seq, job: JSON.parse(row.view) as JobView }));
}

export function getJob(db: Database, id: string): JobView | undefined {
  const view = db.prepare<[string], string>('SELECT view FROM jobs WHERE id = ?').pluck().get(id);
  return view === undefined ? undefined : (JSON.parse(view) as JobView);
}

export interface ListJobDevicesOptions {
  readonly visibleTo?: readonly string[];
  readonly status?: DeviceStatus;
}

/** Ordered by MAC. */
export function listJobDevices(db: Database, jobId: string, options: ListJobDevicesOptions = {}): JobDeviceView[] {
  return db
    .prepare<Record<string, string | null>, string>(
      `SELECT view FROM job_devices
       WHERE job_id = :jobId
         AND (:status IS NULL OR status = :status)
         AND (:visible IS NULL OR tenant_id IN (SELECT value FROM json_each(:visible)))
       ORDER BY mac`,
    )
    .pluck()
    .all({ jobId, status: options.status ?? null, visible: options.visibleTo === undefined ? null : JSON.stringify(options.visibleTo) })
    .map((view) => JSON.parse(view) as JobDeviceView);
}

export interface JobTotals {
  readonly kind: JobKind;
  readonly state: JobView['state'];
  readonly jobs: number;
  /** The jobs' devices, summed, by their status now. */
  readonly devices: { readonly inFlight: number; readonly succeeded: number; readonly failed: number };
}

/** One row per kind and state that has jobs. */
export function jobTotals(db: Database): JobTotals[] {
  return db
    .prepare<[], { kind: JobKind; state: JobView['state']; jobs: number; inFlight: number; succeeded: number; failed: number }>(
      `SELECT kind, state, COUNT(*) AS jobs,
         TOTAL(json_extract(view, '$.counts.inFlight')) AS inFlight,
         TOTAL(json_extract(view, '$.counts.succeeded')) AS succeeded,
         TOTAL(json_extract(view, '$.counts.failed')) AS failed
       FROM jobs GROUP BY kind, state`,
    )
    .all()
    .map(({ kind, state, jobs, inFlight, succeeded, failed }) => ({ kind, state, jobs, devices: { inFlight, succeeded, failed } }));
}
