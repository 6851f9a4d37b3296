// The scheduler's part of a step: jobs take their turns one at a time, in creation order. The
// running (or paused) one; else whatever still has devices in flight; else the oldest queued;
// else late hellos for a completed job. It stops as soon as this node no longer schedules.
import type { JobLifecycleCommand } from '../../domain/job/job-commands.js';
import { jobStateOf } from '../../domain/job/job-decide.js';
import type { JobPoolLogger } from './job-kind.js';
import { activeJob, dispatchTarget, drainingJobs, lateJob } from './job-schedule.js';
import type { TrackedJob } from './job-schedule.js';

export interface TurnTaking {
  scheduling(): boolean;
  /** The jobs in creation order, as they stand now. */
  ordered(): TrackedJob[];
  /** Records the job's answers and dispatches its next devices. */
  advance(job: TrackedJob): Promise<void>;
  execute(job: TrackedJob, command: JobLifecycleCommand): Promise<void>;
  canComplete(job: TrackedJob): boolean;
  readonly logger: JobPoolLogger;
}

export async function takeTurns(pool: TurnTaking): Promise<void> {
  while (pool.scheduling()) {
    const ordered = pool.ordered();
    const active = activeJob(ordered);
    if (active !== undefined) {
      if (jobStateOf(active.view.state) !== 'running') return;
      await pool.advance(active);
      // Looked at again: the lease may have gone while the step was stored.
      if (!pool.scheduling() || !pool.canComplete(active)) return;
      await pool.execute(active, { type: 'CompleteJob' });
      pool.logger.info({ jobId: active.view.id, counts: active.view.state.context.progress.counts }, 'job run completed');
      continue;
    }
    if (drainingJobs(ordered).length > 0) {
      const target = dispatchTarget(ordered);
      if (target !== undefined) await pool.advance(target);
      return;
    }
    const queued = ordered.find((job) => jobStateOf(job.view.state) === 'queued');
    if (queued !== undefined) {
      await pool.execute(queued, { type: 'StartJob' });
      pool.logger.info({ jobId: queued.view.id }, 'job run started');
      continue;
    }
    const late = lateJob(ordered);
    if (late !== undefined) await pool.advance(late);
    return;
  }
}

/**
 * Whether the jobs need a scheduler now, by the same turns: a running job does (a paused one
 * waits for a person); else a queued one; else a completed one with a late hello it would
 * dispatch now (`dispatches`). While none does, no node holds the kind's scheduler lease.
 */
export function needsScheduler(ordered: readonly TrackedJob[], dispatches: (job: TrackedJob) => boolean): boolean {
  const active = activeJob(ordered);
  if (active !== undefined) return jobStateOf(active.view.state) === 'running';
  if (ordered.some((job) => jobStateOf(job.view.state) === 'queued')) return true;
  const late = drainingJobs(ordered).length > 0 ? dispatchTarget(ordered) : lateJob(ordered);
  return late !== undefined && dispatches(late);
}
