// The jobs of one kind as every node's appends change them: each job event appended from now
// on, by whichever node, is loaded through the runtime and handed to the pool as an apply is,
// and the job's deadlines are armed on this node too. The pool skips a state it holds already,
// so its own appends, applied at once, change nothing. The kind's scheduler lease is followed
// too: once its event that made this node the scheduler is reached, the pool's view holds
// every job event stored before it.
import type { Aggregate } from '../../domain/aggregate.js';
import { schedulerLeaseAggregate } from '../../domain/job-scheduler/aggregate.js';
import type { JobCommand } from '../../domain/job/job-commands.js';
import type { JobMachine } from '../../domain/job/job-machine.js';
import type { EventStore, Position } from '../../domain/ports/event-store.js';
import { idOf, streamOf } from '../../domain/stream-name.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import { followLog } from '../runtime/log-follower.js';
import type { LogFollower } from '../runtime/log-follower.js';
import type { LiveJobs } from './job-live.js';

export interface JobFollowerOptions {
  readonly runtime: ActorRuntime;
  readonly store: EventStore;
  readonly aggregate: Aggregate<JobMachine, JobCommand>;
  readonly jobs: LiveJobs;
  /** Heard after each event followed, job or lease, once what it changed is handed over. */
  readonly followed: (position: number) => void;
  readonly logger: { error(details: object, message: string): void };
  /** The events after this one (exclusive) are followed; 'end': those appended from now on. */
  readonly after: Position | 'end';
}

export function followJobs({ runtime, store, aggregate, jobs, followed, logger, after }: JobFollowerOptions): LogFollower {
  const jobPrefix = `${aggregate.category}-`;
  // One load at a time, in the log's order: a job's states reach the pool in the order they were stored.
  let chain: Promise<void> = Promise.resolve();
  const following = followLog(
    store,
    { streamPrefixes: [jobPrefix, streamOf(schedulerLeaseAggregate.category, aggregate.category)] },
    (event) => {
      chain = chain.then(async () => {
        const id = idOf(event.stream);
        try {
          // Its attempts' deadlines are armed here too, from the same read: the node that dispatched them may be lost.
          if (event.stream.startsWith(jobPrefix)) {
            const { state, revision } = await runtime.loadArmed(aggregate, id);
            jobs.applyStored(id, state, event.position, revision);
          }
        } catch (error) {
          logger.error({ err: error, stream: event.stream }, 'a job appended by another hub node could not be read');
        }
        followed(event.position);
      });
    },
    (error) => logger.error({ err: error, kind: aggregate.category }, 'stopped following the jobs appended by other hub nodes'),
    after,
  );
  return {
    close: async () => {
      await following.close();
      await chain;
    },
  };
}
