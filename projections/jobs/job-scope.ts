// A job as a caller who sees only some of its tenants may see it: those tenants, the counts of
// their devices, and no figure or name of the others'. A caller who sees all of them (or every
// tenant) sees the job as it is.
import type { JobCounts } from '../../domain/job/job-progress.js';
import type { Database } from '../projection.js';
import type { JobDeviceView, JobView } from './job-view.js';
import { preparedOnce } from '../prepared-once.js';

/** Devices tried at least once, and each by its status now, as the job's own counts are kept. */
export function countDevices(devices: readonly Pick<JobDeviceView, 'status'>[]): JobCounts {
  const counts = { attempted: devices.length, inFlight: 0, succeeded: 0, failed: 0 };
  for (const { status } of devices) {
    if (status === 'in-flight') counts.inFlight += 1;
    else counts[status] += 1;
  }
  return counts;
}

const statusesOf = preparedOnce((db) =>
  db
    .prepare<Record<string, string>, JobDeviceView['status']>(
      'SELECT status FROM job_devices WHERE job_id = :jobId AND tenant_id IN (SELECT value FROM json_each(:tenants))',
    )
    .pluck(),
);

/** The counts of the job's devices in `tenants`, read from the read model's device rows. */
export function jobCountsIn(db: Database, jobId: string, tenants: readonly string[]): JobCounts {
  const statuses = statusesOf(db).all({ jobId, tenants: JSON.stringify(tenants) });
  return countDevices(statuses.map((status) => ({ status })));
}

/** The tenant a tenant-admin principal id names (`tenant-admin@<tenant>`), if any. */
const tenantOfAdmin = (id: string): string | undefined => (id.startsWith('tenant-admin@') ? id.slice('tenant-admin@'.length) : undefined);

/**
 * `job` narrowed to `visibleTo` (undefined: every tenant). `countsOf` gives the counts of the
 * devices of the tenants kept; the error threshold's halt figures, job-wide, are left out.
 */
export function jobSeenBy(job: JobView, visibleTo: readonly string[] | undefined, countsOf: (tenants: readonly string[]) => JobCounts): JobView {
  if (visibleTo === undefined || job.tenants.every((tenant) => visibleTo.includes(tenant))) return job;
  const tenants = job.tenants.filter((tenant) => visibleTo.includes(tenant));
  const { halted: _halted, ...rest } = job;
  const creator = tenantOfAdmin(job.createdBy.id);
  // An owner's name would tell of tenants the caller may not know of: its role says enough.
  const hidden = job.createdBy.role === 'owner' || (creator !== undefined && !visibleTo.includes(creator));
  const createdBy = hidden ? { id: job.createdBy.role, role: job.createdBy.role } : job.createdBy;
  return { ...rest, tenants, counts: countsOf(tenants), createdBy };
}
