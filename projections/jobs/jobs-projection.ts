// The job read model: one row per update or backup job (streams updatejob-<uuid>,
// backupjob-<uuid>) with its counts per device status, and one row per device it touched. Each
// event publishes `job.progress` {job, devices?}: a lifecycle change to the rooms of every tenant
// of the job; a batch of devices to the rooms of each device's tenant (the job with them).
import type * as t from 'io-ts';
import { TetherError } from '../../domain/errors.js';
import { JobEvent } from '../../domain/job/job-events.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { idOf } from '../../domain/stream-name.js';
import { decodeStoredEvent } from '../decode-stored-event.js';
import type { Database, Projection, ReadModelChange } from '../projection.js';
import { tenantAudience } from '../tenants/index.js';
import { createdView, dispatchedView, isCreated, nextJobView, recount, settledView } from './job-entry.js';
import { loadJob, loadJobDevice, saveJob, saveJobDevice } from './job-rows.js';
import { createJobTables, dropJobTables } from './job-tables.js';
import type { JobDeviceView, JobView } from './job-view.js';

export const jobProgress = 'job.progress';

/** What `job.progress` carries: the job, and the devices the event concerns (those of one tenant). */
export interface JobChange {
  readonly job: JobView;
  readonly devices?: readonly JobDeviceView[];
}

export const jobsProjection: Projection = {
  name: 'jobs',
  version: 1,
  filter: { streamPrefixes: ['updatejob-', 'backupjob-'] },
  migrate: createJobTables,
  drop: dropJobTables,
  apply(db, event) {
    const jobEvent = decodeStoredEvent(codecOf(event), event);
    const id = idOf(event.stream);
    const at = event.metadata.at;
    const known = loadJob(db, id);
    if (isCreated(jobEvent)) {
      if (jobEvent.data.jobId !== id) corrupt(event, `names job ${jobEvent.data.jobId}`);
      if (known !== undefined) corrupt(event, `creates job ${id} again`);
      const job = createdView(jobEvent, at);
      saveJob(db, job, event.position, event.position);
      return [{ name: jobProgress, tenants: audienceOf(db, job.tenants), payload: { job } }];
    }
    if (known === undefined) corrupt(event, `concerns job ${id}, which was never created`);
    let job: JobView = { ...known, updatedAt: at };
    const devices: JobDeviceView[] = [];
    if (jobEvent.type === 'JobDevicesDispatched') {
      for (const device of jobEvent.data.devices) {
        const before = loadJobDevice(db, id, device.mac);
        const view = dispatchedView(device, jobEvent.data.deadline, at);
        job = { ...job, counts: recount(job.counts, before?.status, 'in-flight') };
        devices.push(view);
      }
    } else if (jobEvent.type === 'JobDevicesSettled') {
      for (const device of jobEvent.data.devices) {
        const before = loadJobDevice(db, id, device.mac) ?? corrupt(event, `settles device ${device.mac}, never dispatched in job ${id}`);
        const view = settledView(before, device, at);
        job = { ...job, counts: recount(job.counts, before.status, view.status) };
        devices.push(view);
      }
    } else {
      job = nextJobView(known, jobEvent, at);
    }
    // An update keeps the job's seq (the position it was created at).
    saveJob(db, job, event.position, event.position);
    for (const device of devices) saveJobDevice(db, id, device);
    if (devices.length === 0) return [{ name: jobProgress, tenants: audienceOf(db, job.tenants), payload: { job } }];
    return [...groupByTenant(devices)].map(([tenant, ofTenant]): ReadModelChange => ({ name: jobProgress, tenants: audienceOf(db, [tenant]), payload: { job, devices: ofTenant } }));
  },
};

function groupByTenant(devices: readonly JobDeviceView[]): Map<string, JobDeviceView[]> {
  const groups = new Map<string, JobDeviceView[]>();
  for (const device of devices) {
    const group = groups.get(device.tenant) ?? [];
    group.push(device);
    groups.set(device.tenant, group);
  }
  return groups;
}

function audienceOf(db: Database, tenants: readonly string[]): string[] {
  return [...new Set(tenants.flatMap((id) => tenantAudience(db, id)))];
}

// Decoding with the one codec the type names reports its own errors, not every union member's.
function codecOf(event: RecordedEvent): t.Decoder<unknown, JobEvent> {
  const codec: t.Decoder<unknown, JobEvent> | undefined = JobEvent.types.find((member) => member.props.type.value === event.type);
  return codec ?? corrupt(event, 'is not a job event');
}

function corrupt(event: RecordedEvent, why: string): never {
  throw new TetherError('corrupt_event', `stored event ${event.stream}@${event.revision} (${event.type}) ${why}`);
}
