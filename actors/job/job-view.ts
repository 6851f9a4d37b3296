// The pool's view of one job, derived from the job's stored events only: a restart, or
// another node's appends, rebuild it by the same fold.
import type { Aggregate } from '../../domain/aggregate.js';
import { TetherError } from '../../domain/errors.js';
import type { JobCommand } from '../../domain/job/job-commands.js';
import type { JobSnapshot } from '../../domain/job/job-decide.js';
import type { JobMachine } from '../../domain/job/job-machine.js';
import type { EventStore, RecordedEvent } from '../../domain/ports/event-store.js';
import { StreamNotFound } from '../../domain/ports/event-store.js';
import { streamOf } from '../../domain/stream-name.js';
import { evolve, initialState } from '../runtime/replay.js';

type JobAggregate = Aggregate<JobMachine, JobCommand>;

export interface JobView {
  readonly id: string;
  /** Creation order (a job created here: the global position of its first event). */
  readonly order: number;
  readonly state: JobSnapshot;
  /** Revision of the last event folded in; -1 before any. */
  readonly revision: number;
}

export const emptyJobView = (aggregate: JobAggregate, id: string, order: number): JobView => ({ id, order, state: initialState(aggregate.machine), revision: -1 });

/**
 * Folds the job's stored events (in stream order) into the view; those it already holds are
 * skipped. Throws on a gap: an event the view has not seen would be missing from it.
 */
export function foldJobEvents(aggregate: JobAggregate, view: JobView, events: readonly RecordedEvent[]): JobView {
  const fresh = events.filter((event) => event.revision > view.revision);
  const [first] = fresh;
  const last = fresh.at(-1);
  if (first === undefined || last === undefined) return view;
  if (first.revision !== view.revision + 1) {
    throw new TetherError('internal', `job ${view.id}: event ${first.revision} follows ${view.revision}; the events between are missing`);
  }
  return { ...view, state: evolve(aggregate, view.state, fresh), revision: last.revision };
}

/** The job's events stored after those the view holds. */
export async function eventsAfter(store: EventStore, aggregate: JobAggregate, view: JobView): Promise<RecordedEvent[]> {
  try {
    return await store.readStream(streamOf(aggregate.category, view.id), { fromRevision: view.revision + 1 });
  } catch (error) {
    if (error instanceof StreamNotFound) return [];
    throw error;
  }
}

/** The views of the jobs of these streams (those of other categories skipped), ordered as the streams are given. */
export async function loadJobViews(store: EventStore, aggregate: JobAggregate, streams: Iterable<string>): Promise<JobView[]> {
  const prefix = `${aggregate.category}-`;
  const views: JobView[] = [];
  for (const stream of streams) {
    if (!stream.startsWith(prefix)) continue;
    // Replay, not apply: what the events did live (requests sent) is not done again.
    const view = emptyJobView(aggregate, stream.slice(prefix.length), views.length);
    views.push(foldJobEvents(aggregate, view, await eventsAfter(store, aggregate, view)));
  }
  return views;
}
