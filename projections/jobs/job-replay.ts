// A job as it was at a moment: its events up to then, folded as the read model folds them.
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { foldJobEvent } from './job-fold.js';
import type { JobDeviceView, JobView } from './job-view.js';

export interface ReplayedJob {
  readonly job: JobView;
  /** Ordered by MAC, as the read model lists them. */
  readonly devices: readonly JobDeviceView[];
}

/** Undefined when the events hold no creation (the job did not exist yet). */
export async function replayJob(pages: AsyncIterable<readonly RecordedEvent[]>): Promise<ReplayedJob | undefined> {
  let job: JobView | undefined;
  const devices = new Map<string, JobDeviceView>();
  for await (const page of pages) {
    for (const event of page) {
      const step = foldJobEvent(job, (mac) => devices.get(mac), event);
      job = step.job;
      for (const device of step.devices) devices.set(device.mac, device);
    }
  }
  if (job === undefined) return undefined;
  return { job, devices: [...devices.values()].sort((a, b) => (a.mac < b.mac ? -1 : a.mac > b.mac ? 1 : 0)) };
}
