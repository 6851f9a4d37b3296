// The jobs of one kind as every node's appends change them: each job event appended from now
// on, by whichever node, is loaded through the runtime and handed to the pool as an apply is,
// and the job's deadlines are armed on this node too. The pool skips a state it holds already,
// so its own appends, applied at once, change nothing. The kind's scheduler lease is followed
// too: once its event that made this node the scheduler is reached, the pool's view holds
// every job event stored before it. Should the subscription break, the pool hears it (its view
// no longer keeps up: it must not schedule) and the follower subscribes again shortly after,
// from the last event whose change it handed over, so that none is missed; so too when a job
// could not be read.
import type { Aggregate } from '../../domain/aggregate.js';
import { schedulerLeaseAggregate } from '../../domain/job-scheduler/aggregate.js';
import type { JobCommand } from '../../domain/job/job-commands.js';
import type { JobMachine } from '../../domain/job/job-machine.js';
import type { Clock, TimerHandle } from '../../domain/ports/clock.js';
import type { EventStore, Position, RecordedEvent } from '../../domain/ports/event-store.js';
import { idOf, streamOf } from '../../domain/stream-name.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import { followLog } from '../runtime/log-follower.js';
import type { LogFollower } from '../runtime/log-follower.js';
import type { LiveJobs } from './job-live.js';

/** After the subscription broke, how long the follower waits before it subscribes again. */
const resubscribeMs = 1000;

/** How far the pool's view of the jobs got. */
export interface FollowerProgress {
  /** Heard after each event followed, job or lease, once what it changed is handed over. */
  followed(position: number): void;
  /** Heard when the subscription breaks (`true`) and once it is made again (`false`). */
  interrupted(down: boolean): void;
}

export interface JobFollowerOptions {
  readonly runtime: ActorRuntime;
  readonly store: EventStore;
  readonly clock: Clock;
  readonly aggregate: Aggregate<JobMachine, JobCommand>;
  readonly jobs: LiveJobs;
  readonly progress: FollowerProgress;
  readonly logger: { error(details: object, message: string): void };
  /** The events after this one (exclusive) are followed. */
  readonly after: Position;
}

export function followJobs(options: JobFollowerOptions): LogFollower {
  const { runtime, store, clock, aggregate, jobs, progress, logger } = options;
  const jobPrefix = `${aggregate.category}-`;
  const filter = { streamPrefixes: [jobPrefix, streamOf(schedulerLeaseAggregate.category, aggregate.category)] };
  // One load at a time, in the log's order: a job's states reach the pool in the order they were stored.
  let chain: Promise<void> = Promise.resolve();
  /** The last event whose change was handed over: a subscription made again starts after it. */
  let followedTo = options.after;
  /** Each subscription's number: what one that broke had queued is dropped, heard again from the next. */
  let generation = 0;
  let closed = false;
  let retry: TimerHandle | undefined;
  const take = async (event: RecordedEvent, mine: number): Promise<void> => {
    if (mine !== generation) return;
    try {
      // Its attempts' deadlines are armed here too, from the same read: the node that dispatched them may be lost.
      if (event.stream.startsWith(jobPrefix)) {
        const id = idOf(event.stream);
        const { state, revision } = await runtime.loadArmed(aggregate, id);
        jobs.applyStored(id, state, event.position, revision);
      }
    } catch (error) {
      // Not passed over: the pool's view would lack it, and the lease's catch-up would count it taken in.
      return broke(mine, { err: error, stream: event.stream }, 'a job appended by another hub node could not be read; reading it again shortly');
    }
    followedTo = event.position;
    progress.followed(event.position);
  };
  const broke = (mine: number, details: object, message: string): void => {
    if (mine !== generation || closed) return;
    generation += 1;
    logger.error({ ...details, kind: aggregate.category }, message);
    void following.close();
    progress.interrupted(true);
    retry = clock.at(new Date(clock.now().getTime() + resubscribeMs), () => {
      if (closed) return;
      following = subscribe();
      progress.interrupted(false);
    });
  };
  const subscribe = (): LogFollower => {
    const mine = generation;
    return followLog(
      store,
      filter,
      (event) => void (chain = chain.then(() => take(event, mine))),
      (error) => broke(mine, { err: error }, 'stopped following the jobs appended by other hub nodes; following again shortly'),
      followedTo,
    );
  };
  let following = subscribe();
  return {
    close: async () => {
      closed = true;
      retry?.cancel();
      await following.close();
      await chain;
    },
  };
}
