// The job aggregates' live module: the runtime hands it each job's events once they are
// stored, in stream order, and the pool takes the state they leave (job-pool.ts). A deadline's
// step carries the answers the pool holds that no event records yet.
import type { DeviceResult, JobCommand } from '../../domain/job/job-commands.js';
import type { JobSnapshot } from '../../domain/job/job-decide.js';
import type { JobMachine } from '../../domain/job/job-machine.js';
import type { Applied, LiveModule } from '../runtime/live-module.js';

/** What the module hands over to: the pool of the job's kind. */
export interface LiveJobs {
  /** The job's state after events just stored, up to `revision`; `order` places a job met for the first time. */
  applyStored(jobId: string, state: JobSnapshot, order: number, revision: number): void;
  /** Answers waiting to be recorded in the job. */
  answersOf(jobId: string): readonly DeviceResult[];
}

export const jobLive = (jobs: LiveJobs): LiveModule<JobMachine, JobCommand> => ({
  apply({ id, after, position, revision }: Applied<JobMachine, never>) {
    jobs.applyStored(id, after, position ?? Number.MAX_SAFE_INTEGER, revision);
  },
  atDeadline(command, id) {
    return command.type === 'AdvanceJob' ? { ...command, results: [...command.results, ...jobs.answersOf(id)] } : command;
  },
});
