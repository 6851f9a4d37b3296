// One stored job event folded into the job's view and the views of the devices it concerns:
// the read model's rule, used by the projection (rows in SQLite) and by time travel (in memory),
// so a job as it was has the shape of the job as it is.
import type * as t from 'io-ts';
import { formatMac } from '../../domain/device/mac.js';
import { TetherError } from '../../domain/errors.js';
import { JobEvent } from '../../domain/job/job-events.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { idOf } from '../../domain/stream-name.js';
import { decodeStoredEvent } from '../decode-stored-event.js';
import { createdView, dispatchedView, isCreated, nextJobView, recount, settledView } from './job-entry.js';
import type { JobDeviceView, JobView } from './job-view.js';

export interface JobStep {
  readonly job: JobView;
  /** The devices the event concerns, as they are after it; none for a lifecycle event. */
  readonly devices: readonly JobDeviceView[];
}

/** `known`: the job before the event (undefined before its creation); `deviceOf`: a device's view before it, by its view's `mac`. */
export function foldJobEvent(known: JobView | undefined, deviceOf: (mac: string) => JobDeviceView | undefined, event: RecordedEvent): JobStep {
  const jobEvent = decodeStoredEvent(codecOf(event), event);
  const id = idOf(event.stream);
  const at = event.metadata.at;
  if (isCreated(jobEvent)) {
    if (jobEvent.data.jobId !== id) corrupt(event, `names job ${jobEvent.data.jobId}`);
    if (known !== undefined) corrupt(event, `creates job ${id} again`);
    return { job: createdView(jobEvent, at), devices: [] };
  }
  if (known === undefined) corrupt(event, `concerns job ${id}, which was never created`);
  let job: JobView = { ...known, updatedAt: at };
  const devices: JobDeviceView[] = [];
  if (jobEvent.type === 'JobDevicesDispatched') {
    for (const device of jobEvent.data.devices) {
      const view = dispatchedView(device, jobEvent.data.deadline, at);
      job = { ...job, counts: recount(job.counts, deviceOf(formatMac(device.mac))?.status, 'in-flight') };
      devices.push(view);
    }
  } else if (jobEvent.type === 'JobDevicesSettled') {
    for (const device of jobEvent.data.devices) {
      const before = deviceOf(formatMac(device.mac)) ?? corrupt(event, `settles device ${device.mac}, never dispatched in job ${id}`);
      const view = settledView(before, device, at);
      job = { ...job, counts: recount(job.counts, before.status, view.status) };
      devices.push(view);
    }
  } else {
    job = nextJobView(known, jobEvent, at);
  }
  return { job, devices };
}

// Decoding with the one codec the type names reports its own errors, not every union member's.
function codecOf(event: RecordedEvent): t.Decoder<unknown, JobEvent> {
  const codec: t.Decoder<unknown, JobEvent> | undefined = JobEvent.types.find((member) => member.props.type.value === event.type);
  return codec ?? corrupt(event, 'is not a job event');
}

function corrupt(event: RecordedEvent, why: string): never {
  throw new TetherError('corrupt_event', `stored event ${event.stream}@${event.revision} (${event.type}) ${why}`);
}
