// `?at=TIME` on a job: its stream replayed up to that moment through the read model's own fold
// (projections/jobs/job-fold.ts), so the job as it was has the shape of the job as it is, and
// is visible to whom the live job is. It is history: auditors and the admin.
import type { Aggregate } from '../../domain/aggregate.js';
import type { JobCommand } from '../../domain/job/job-commands.js';
import type { JobMachine } from '../../domain/job/job-machine.js';
import type { Principal } from '../../domain/principal.js';
import { isStreamName, streamOf } from '../../domain/stream-name.js';
import { countDevices, jobSeenBy, replayJob } from '../../projections/jobs/index.js';
import type { JobDeviceView, JobKind } from '../../projections/jobs/index.js';
import { authorize } from '../permissions.js';
import type { HubServices } from '../plugins/services.js';
import { visibleTenants } from '../tenant-scope.js';
import { reachableJob } from './job-access.js';
import type { JobDetails } from './job-access.js';

export async function jobAt(
  services: HubServices,
  principal: Principal,
  job: { readonly kind: JobKind; readonly aggregate: Aggregate<JobMachine, JobCommand>; readonly id: string },
  at: Date,
  status?: JobDeviceView['status'],
): Promise<JobDetails> {
  authorize(principal, 'history', 'read');
  // An id no stream can have names no job; the store would refuse to read it (invalid_stream_name).
  const named = isStreamName(streamOf(job.aggregate.category, job.id));
  const replayed = named ? await replayJob(services.runtime.eventsUpTo(job.aggregate, job.id, at)) : undefined;
  const view = reachableJob(services, principal, job.kind, job.id, replayed?.job);
  const visibleTo = visibleTenants(services, principal);
  const devices = (replayed?.devices ?? []).filter(
    (device) => (visibleTo === undefined || visibleTo.includes(device.tenant)) && (status === undefined || device.status === status),
  );
  const ofTenants = (tenants: readonly string[]) => countDevices((replayed?.devices ?? []).filter((device) => tenants.includes(device.tenant)));
  return { ...jobSeenBy(view, visibleTo, ofTenants), devices };
}
