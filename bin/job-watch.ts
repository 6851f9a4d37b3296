// `tether jobs watch`: follows a job by asking the hub for it at an interval until its run is
// over. Polling the job's own resource keeps the command thin over the REST API, with the same
// authorization and visibility as `show`, and needs no resume logic whichever node answers;
// each answer is one row and the devices in flight (at most the job's concurrency).
import type { Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { ApiClient } from './api-client.js';
import { findJob } from './job-lookup.js';
import { plainLine, progressKey, progressLine } from './job-progress.js';
import { isFinished, JobDetails } from './job-views.js';
import type { JobView } from './job-views.js';
import { printJson } from './output.js';

export interface WatchOutput extends Writable {
  readonly isTTY?: boolean;
}

export interface WatchOptions {
  readonly intervalMs: number;
  readonly json?: boolean;
  readonly out?: WatchOutput;
  /** Waits between two answers; a timer outside tests. */
  readonly wait?: (ms: number) => Promise<unknown>;
}

// Back to the start of the line, and clear it: the bar is redrawn in place.
const redraw = '\r\u001b[2K';

/** Shows each change of the job until its run is over; resolves with the job as it ended. */
export async function watchJob(client: ApiClient, id: string, options: WatchOptions): Promise<JobView> {
  const { intervalMs, out = process.stdout, wait = delay } = options;
  const bar = options.json !== true && out.isTTY === true;
  const inFlightOnly = '?status=in-flight';
  const { path, job: first } = await findJob(client, id, inFlightOnly);
  let job: JobView = first;
  let shown: string | undefined;
  for (;;) {
    const key = progressKey(job);
    if (key !== shown) {
      if (options.json === true) printJson(job, out);
      else out.write(bar ? `${redraw}${progressLine(job)}` : `${plainLine(job)}\n`);
      shown = key;
    }
    if (isFinished(job)) break;
    await wait(intervalMs);
    job = await client.call('GET', `${path}${inFlightOnly}`, JobDetails);
  }
  if (bar) out.write('\n');
  return job;
}
