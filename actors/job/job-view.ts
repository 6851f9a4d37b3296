// The pool's view of one job: the state its stored events leave, as the runtime folds them
// (loaded at start-up, then handed over by the job's live module after every append), and
// where it stands in the order jobs run.
import type { Aggregate } from '../../domain/aggregate.js';
import type { JobCommand } from '../../domain/job/job-commands.js';
import type { JobSnapshot } from '../../domain/job/job-decide.js';
import type { JobMachine } from '../../domain/job/job-machine.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import { idOf } from '../../domain/stream-name.js';

type JobAggregate = Aggregate<JobMachine, JobCommand>;

export interface JobView {
  readonly id: string;
  /** Creation order (a job created while the pool runs: the global position of its first event). */
  readonly order: number;
  readonly state: JobSnapshot;
  /** Revision of the job's last event the state holds; -1 before any. */
  readonly revision: number;
}

/** The streams of this kind among `streams`, in the order given. */
export const streamsOfKind = (aggregate: JobAggregate, streams: Iterable<string>): string[] => [...streams].filter((stream) => stream.startsWith(`${aggregate.category}-`));

/**
 * The views of the jobs of these streams, loaded through the runtime (replay, not apply: what
 * the events did live is not done again), each job's deadlines armed from the same read.
 */
export async function loadJobViews(runtime: ActorRuntime, aggregate: JobAggregate, streams: readonly string[]): Promise<JobView[]> {
  const views: JobView[] = [];
  for (const stream of streams) {
    const id = idOf(stream);
    const { state, revision } = await runtime.loadArmed(aggregate, id);
    views.push({ id, order: views.length, state, revision });
  }
  return views;
}
