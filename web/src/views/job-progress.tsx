// A job's progress bar: the share of its attempted devices that settled; a job that ended
// with nothing to do is full.
import type { JSX } from 'preact';
import type { Job } from '../models.js';

const terminal = new Set(['completed', 'halted', 'canceled']);

export function percentDone(job: Job): number {
  const { attempted, succeeded, failed } = job.counts;
  if (attempted === 0) return terminal.has(job.state) ? 100 : 0;
  const settled = Math.round(((succeeded + failed) / attempted) * 100);
  return job.state === 'completed' ? settled : Math.min(settled, 99);
}

export function JobProgress({ job }: { readonly job: Job }): JSX.Element {
  const percent = percentDone(job);
  return (
    <div class="progress">
      <progress max={100} value={percent} aria-label={`Progress of ${job.name}`} data-percent={percent} />
      <span>{percent} %</span>
    </div>
  );
}
