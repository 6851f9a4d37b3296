// Which jobs a principal reaches. A job shows when one of its tenants is visible to the caller,
// and then names only the tenants the caller sees, with their devices and counts (jobSeenBy);
// changing it takes all of its tenants. A job outside the caller's reach is not found.
import { TetherError } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import { getJob, jobCountsIn, jobSeenBy, listJobDevices } from '../../projections/jobs/index.js';
import type { JobDeviceView, JobKind, JobView } from '../../projections/jobs/index.js';
import type { HubServices } from '../plugins/services.js';
import { assertTenantExists, ownTenants, visibleTenants } from '../tenant-scope.js';

export interface JobDetails extends JobView {
  readonly devices: readonly JobDeviceView[];
}

const jobNotFound = (kind: JobKind, id: string): TetherError => new TetherError('not_found', `${kind} job ${id} not found`, ['params.id']);

/** `job` as the principal may see it: not found unless one of its tenants is visible to it. */
export function reachableJob(services: HubServices, principal: Principal, kind: JobKind, id: string, job: JobView | undefined): JobView {
  const visible = visibleTenants(services, principal);
  if (job === undefined || job.kind !== kind || (visible !== undefined && !job.tenants.some((tenant) => visible.includes(tenant)))) {
    throw jobNotFound(kind, id);
  }
  return job;
}

export const visibleJob = (services: HubServices, principal: Principal, kind: JobKind, id: string): JobView =>
  reachableJob(services, principal, kind, id, services.readModels.read((db) => getJob(db, id)));

/** Throws forbidden when the caller sees only some of the job's tenants. */
export function assertJobChangeable(services: HubServices, principal: Principal, job: JobView): void {
  const visible = visibleTenants(services, principal);
  if (visible !== undefined && !job.tenants.every((tenant) => visible.includes(tenant))) {
    throw new TetherError('forbidden', `job ${job.id} also concerns tenants outside your reach`);
  }
}

/** `job` as the principal may see it: only its tenants' part. */
export function jobAsSeen(services: HubServices, principal: Principal, job: JobView): JobView {
  const visibleTo = visibleTenants(services, principal);
  return services.readModels.read((db) => jobSeenBy(job, visibleTo, (tenants) => jobCountsIn(db, job.id, tenants)));
}

export function jobDetails(services: HubServices, principal: Principal, job: JobView, status?: JobDeviceView['status']): JobDetails {
  const visibleTo = visibleTenants(services, principal);
  return services.readModels.read((db) => {
    const devices = listJobDevices(db, job.id, { ...(visibleTo === undefined ? {} : { visibleTo }), ...(status === undefined ? {} : { status }) });
    return { ...jobSeenBy(job, visibleTo, (tenants) => jobCountsIn(db, job.id, tenants)), devices };
  });
}

/**
 * The tenants a new job is for: as asked (each visible to the caller and existing), or a
 * tenant-admin's own tenant (or an owner's only one) when none is given.
 */
export async function jobTenants(services: HubServices, principal: Principal, asked: readonly string[] | undefined): Promise<readonly string[]> {
  const own = ownTenants(principal);
  const tenants = asked ?? (own.length === 1 ? own : undefined);
  if (tenants === undefined) throw new TetherError('validation_failed', 'name the tenants the job is for', ['body.tenants']);
  const visible = visibleTenants(services, principal);
  for (const [index, tenant] of tenants.entries()) {
    const path = `body.tenants.${index}`;
    if (visible !== undefined && !visible.includes(tenant)) throw new TetherError('not_found', `tenant ${tenant} not found`, [path]);
    await assertTenantExists(services, tenant, path);
  }
  return tenants;
}
