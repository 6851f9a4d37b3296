// Which job of a pool acts now. Jobs run one after another in creation order (FIFO): the
// running (or paused) one; else whatever still has devices in flight; else the oldest queued;
// and a completed job still takes the devices whose hello asks for it (updates).
import type { Mac } from '../../domain/device/mac.js';
import { jobStateOf } from '../../domain/job/job-decide.js';
import type { JobSnapshot } from '../../domain/job/job-decide.js';
import type { OnlineDevice } from '../../domain/job/job-suitability.js';
import type { JobInbox } from './job-inbox.js';
import type { JobKind } from './job-kind.js';
import type { JobView } from './job-view.js';

export interface TrackedJob {
  view: JobView;
  readonly inbox: JobInbox;
}

const isActive = (job: TrackedJob): boolean => {
  const state = jobStateOf(job.view.state);
  return state === 'running' || state === 'paused';
};

export const inCreationOrder = (jobs: Iterable<TrackedJob>): TrackedJob[] => [...jobs].sort((a, b) => a.view.order - b.view.order);

/** The running or paused job: at most one at a time. */
export const activeJob = (ordered: readonly TrackedJob[]): TrackedJob | undefined => ordered.find(isActive);

/** Jobs that still have devices in flight. */
export const drainingJobs = (ordered: readonly TrackedJob[]): TrackedJob[] => ordered.filter((job) => job.view.state.context.progress.counts.inFlight > 0);

/** The job whose candidates go out now: the running one; else the only one still settling, if it is completed (late hellos). */
export function dispatchTarget(ordered: readonly TrackedJob[]): TrackedJob | undefined {
  const active = activeJob(ordered);
  if (active !== undefined) return jobStateOf(active.view.state) === 'running' ? active : undefined;
  const [only, ...others] = drainingJobs(ordered);
  return only !== undefined && others.length === 0 && jobStateOf(only.view.state) === 'completed' ? only : undefined;
}

/** The seed's check: the newest suitable job that has started (finished ones included); else the one running now. */
export function jobForHello(kind: JobKind, ordered: readonly TrackedJob[], device: OnlineDevice): TrackedJob | undefined {
  return [...ordered]
    .reverse()
    .find((job) => (isActive(job) || (kind.onlineCheck && jobStateOf(job.view.state) === 'completed')) && kind.suits(job.view.state.context, device));
}

/** The newest completed job that still has candidates (late hellos). */
export const lateJob = (ordered: readonly TrackedJob[]): TrackedJob | undefined =>
  [...ordered].reverse().find((job) => jobStateOf(job.view.state) === 'completed' && job.inbox.candidates.size > 0);

/** Every online device the job is for becomes a candidate of its run. */
export function seedRun(kind: JobKind, job: TrackedJob, online: Iterable<OnlineDevice & { readonly mac: Mac }>): void {
  const { candidates } = job.inbox;
  for (const device of online) if (kind.suits(job.view.state.context, device) && !candidates.has(device.mac)) candidates.set(device.mac, 'run');
}

/** A run of the job began: it started (or is met running), or took its failed devices again while it runs or is paused. */
export function runBegan(before: JobSnapshot, after: JobSnapshot): boolean {
  const was = jobStateOf(before);
  const now = jobStateOf(after);
  if (now !== 'running' && now !== 'paused') return false;
  return (was !== 'running' && was !== 'paused') || after.context.progress.pass > before.context.progress.pass;
}

/** The running job may complete: nothing left to try or in flight, and no device still given time to come back. */
export const mayComplete = (job: TrackedJob, now: Date, graceUntil: number): boolean =>
  jobStateOf(job.view.state) === 'running' && job.inbox.candidates.size === 0 && job.view.state.context.progress.counts.inFlight === 0 && now.getTime() >= graceUntil;
