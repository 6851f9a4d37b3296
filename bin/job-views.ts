// Update and backup jobs as the hub's job API answers (projections/jobs JobView): the fields the
// commands show are checked; --json prints the answer whole.
import * as t from 'io-ts';
import { pageOf } from './pages.js';

export const JobKind = t.keyof({ update: null, backup: null });
export type JobKind = t.TypeOf<typeof JobKind>;

export const jobKinds: readonly JobKind[] = Object.keys(JobKind.keys).filter(JobKind.is);

/** Where a job's API lives: /api/v1/update-jobs, /api/v1/backup-jobs. */
export const jobsPath = (kind: JobKind): string => `/api/v1/${kind}-jobs`;

const Target = t.union([
  t.type({ kind: t.literal('firmware'), version: t.string }),
  t.type({ kind: t.union([t.literal('app'), t.literal('software')]), name: t.string, version: t.string }),
  t.intersection([t.type({ url: t.string, auth: t.string }), t.partial({ username: t.string })]),
]);
type Target = t.TypeOf<typeof Target>;

export const JobCounts = t.type({ attempted: t.number, inFlight: t.number, succeeded: t.number, failed: t.number });
export type JobCounts = t.TypeOf<typeof JobCounts>;

export const JobView = t.intersection(
  [
    t.type({
      id: t.string,
      kind: JobKind,
      name: t.string,
      state: t.string,
      tenants: t.array(t.string),
      categories: t.array(t.string),
      target: Target,
      concurrency: t.number,
      timeoutMs: t.number,
      createdAt: t.string,
      createdBy: t.type({ id: t.string, role: t.string }),
      pass: t.number,
      counts: JobCounts,
      updatedAt: t.string,
    }),
    t.partial({
      startedAt: t.string,
      finishedAt: t.string,
      errorThreshold: t.intersection([t.type({ percent: t.number }), t.partial({ minSettled: t.number })]),
      halted: t.type({ settled: t.number, failed: t.number, percent: t.number }),
    }),
  ],
  'a job',
);
export type JobView = t.TypeOf<typeof JobView>;

export const JobPage = pageOf(JobView, 'a page of jobs');

export const JobDevice = t.intersection([
  t.type({ mac: t.string, tenant: t.string, status: t.string, attempts: t.number, dispatchedAt: t.string }),
  t.partial({ fromVersion: t.string, version: t.string, location: t.string, bytes: t.number, cause: t.string, error: t.string, settledAt: t.string }),
]);
export type JobDevice = t.TypeOf<typeof JobDevice>;

export const JobDetails = t.intersection([JobView, t.type({ devices: t.array(JobDevice) })], 'a job with its devices');
export type JobDetails = t.TypeOf<typeof JobDetails>;

/** What the job installs or where it stores: `firmware 13r2`, `app devices 13r2`, `https://dav.example/backups`. */
export function targetOf(target: Target): string {
  if ('url' in target) return target.url;
  return target.kind === 'firmware' ? `firmware ${target.version}` : `${target.kind} ${target.name} ${target.version}`;
}

/** Completed, halted and canceled: the run is over (a halted job may still be retried). */
export const isFinished = (job: JobView): boolean => job.state === 'completed' || job.state === 'halted' || job.state === 'canceled';

/** Over, and every device it tried succeeded. */
export const isSuccess = (job: JobView): boolean => job.state === 'completed' && job.counts.failed === 0;
