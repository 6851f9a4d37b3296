// The job read model: one row per update or backup job (streams updatejob-<uuid>,
// backupjob-<uuid>) with its counts per device status, and one row per device it touched. Each
// event publishes `job.progress` {job, devices?}: a lifecycle change concerning every tenant of
// the job; a batch of devices, one change per tenant of those devices (the job with them).
import { idOf } from '../../domain/stream-name.js';
import type { Projection, ReadModelChange } from '../projection.js';
import { foldJobEvent } from './job-fold.js';
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
  // 2: device MACs stored and published as 00:11:22:AA:BB:CC.
  version: 2,
  filter: { streamPrefixes: ['updatejob-', 'backupjob-'] },
  migrate: createJobTables,
  drop: dropJobTables,
  apply(db, event) {
    const id = idOf(event.stream);
    const { job, devices } = foldJobEvent(loadJob(db, id), (mac) => loadJobDevice(db, id, mac), event);
    // An update keeps the job's seq (the position it was created at).
    saveJob(db, job, event.position, event.position);
    for (const device of devices) saveJobDevice(db, id, device);
    if (devices.length === 0) return [{ name: jobProgress, tenants: job.tenants, payload: { job } }];
    return [...groupByTenant(devices)].map(([tenant, ofTenant]): ReadModelChange => ({ name: jobProgress, tenants: [tenant], payload: { job, devices: ofTenant } }));
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
