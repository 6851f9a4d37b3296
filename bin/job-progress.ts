// How `tether jobs watch` shows a job's progress: a bar at a terminal, redrawn in place; a plain
// line per change otherwise, so pipes and logs stay readable. The bar measures the devices
// settled of those the job has dispatched so far: the hub learns of devices as they come
// online, so the total can grow during a run.
import type { JobCounts, JobView } from './job-views.js';

const barWidth = 20;

export function progressBar(counts: JobCounts, width = barWidth): string {
  const settled = counts.succeeded + counts.failed;
  const filled = counts.attempted === 0 ? 0 : Math.floor((settled * width) / counts.attempted);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

const stateOf = (job: JobView): string =>
  job.halted === undefined ? job.state : `${job.state} (${job.halted.failed} of ${job.halted.settled} failed, ${job.halted.percent}%)`;

/** `running  [#####...............] 12/40 succeeded 10 failed 2 in flight 20` */
export function progressLine(job: JobView): string {
  const { attempted, succeeded, failed, inFlight } = job.counts;
  return `${stateOf(job)}  ${progressBar(job.counts)} ${succeeded + failed}/${attempted} succeeded ${succeeded} failed ${failed} in flight ${inFlight}`;
}

/** `running: 12 of 40 devices settled, succeeded 10, failed 2, in flight 20` */
export function plainLine(job: JobView): string {
  const { attempted, succeeded, failed, inFlight } = job.counts;
  return `${stateOf(job)}: ${succeeded + failed} of ${attempted} devices settled, succeeded ${succeeded}, failed ${failed}, in flight ${inFlight}`;
}

/** What a line tells: a poll that changed none of it prints nothing. */
export const progressKey = (job: JobView): string => JSON.stringify([job.state, job.pass, job.counts, job.halted ?? null]);
