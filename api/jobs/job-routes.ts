// What update and backup jobs share in the API: the list, one job with its devices, and pause,
// resume, cancel and retry (POST /<jobs>/:id/<action>), each answering the job as it is after.
import type { FastifyInstance } from 'fastify';
import * as t from 'io-ts';
import type { CommandContext } from '../../domain/command-context.js';
import type { Aggregate } from '../../domain/aggregate.js';
import { TetherError } from '../../domain/errors.js';
import type { JobCommand, JobLifecycleCommand } from '../../domain/job/job-commands.js';
import type { JobSnapshot } from '../../domain/job/job-decide.js';
import { JobState } from '../../domain/job/job-fields.js';
import type { JobMachine } from '../../domain/job/job-machine.js';
import { getJob, jobCountsIn, jobSeenBy, listJobs } from '../../projections/jobs/index.js';
import type { JobKind, JobView } from '../../projections/jobs/index.js';
import { defaultPageLimit, PageLimit } from '../codecs.js';
import { IsoInstant } from '../iso-instant.js';
import { routeSchema } from '../openapi/route-schema.js';
import { parse } from '../parse.js';
import { authorize } from '../permissions.js';
import type { Resource } from '../permissions.js';
import { readYourWrites } from '../read-your-writes.js';
import { commandContext } from '../request-context.js';
import { visibleTenants } from '../tenant-scope.js';
import { assertJobChangeable, jobAsSeen, jobDetails, visibleJob } from './job-access.js';
import { jobAt } from './job-at.js';
import { JobCursor } from './job-cursor.js';
import type { JobDetails } from './job-access.js';

export interface JobCommands {
  command(jobId: string, command: JobLifecycleCommand, context: CommandContext): Promise<{ readonly state: JobSnapshot; readonly position?: number }>;
}

export interface JobPage {
  readonly items: readonly JobView[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  readonly next: string | null;
}

const ListQuery = t.exact(t.partial({ limit: PageLimit, before: JobCursor, state: JobState }));
const JobParams = t.exact(t.type({ id: t.string }));
const DetailsQuery = t.exact(t.partial({ status: t.keyof({ 'in-flight': null, succeeded: null, failed: null }), at: IsoInstant }));

const actions: Readonly<Record<string, JobLifecycleCommand>> = {
  pause: { type: 'PauseJob' },
  resume: { type: 'ResumeJob' },
  cancel: { type: 'CancelJob' },
  retry: { type: 'RetryJob' },
};

export interface JobRouteOptions {
  readonly path: string;
  readonly kind: JobKind;
  readonly aggregate: Aggregate<JobMachine, JobCommand>;
  readonly resource: Resource;
  readonly jobs: () => JobCommands;
}

export function registerJobRoutes(app: FastifyInstance, options: JobRouteOptions): void {
  const { services } = app;
  const { path, kind, aggregate, resource } = options;
  const tag = `${kind} jobs`;

  app.get(path, { schema: routeSchema({ summary: `List ${kind} jobs, newest first`, tag, query: ListQuery }) }, async (request): Promise<JobPage> => {
    const principal = authorize(request.principal, resource, 'read');
    const { limit = defaultPageLimit, before, state } = parse(ListQuery, request.query, 'query');
    const visibleTo = visibleTenants(services, principal);
    const found = services.readModels.read((db) =>
      listJobs(db, { kind, limit: limit + 1, ...(before === undefined ? {} : { before }), ...(state === undefined ? {} : { state }), ...(visibleTo === undefined ? {} : { visibleTo }) }).map(
        (listed) => ({ seq: listed.seq, job: jobSeenBy(listed.job, visibleTo, (tenants) => jobCountsIn(db, listed.job.id, tenants)) }),
      ),
    );
    const page = found.slice(0, limit);
    const last = page.at(-1);
    return { items: page.map((listed) => listed.job), next: found.length > limit && last !== undefined ? String(last.seq) : null };
  });

  const showDocs = routeSchema({
    summary: `${kind === 'update' ? 'An' : 'A'} ${kind} job with its counts and each device's status and error; with at, as it was at that moment`,
    tag,
    params: JobParams,
    query: DetailsQuery,
  });
  app.get(`${path}/:id`, { schema: showDocs }, async (request): Promise<JobDetails> => {
    const principal = authorize(request.principal, resource, 'read');
    const { id } = parse(JobParams, request.params, 'params');
    const { status, at } = parse(DetailsQuery, request.query, 'query');
    if (at !== undefined) return jobAt(services, principal, { kind, aggregate, id }, at, status);
    return jobDetails(services, principal, visibleJob(services, principal, kind, id), status);
  });

  for (const [action, command] of Object.entries(actions)) {
    const actionDocs = routeSchema({ summary: `${action[0]?.toUpperCase() ?? ''}${action.slice(1)} the ${kind} job`, tag, params: JobParams });
    app.post(`${path}/:id/${action}`, { schema: actionDocs }, async (request): Promise<JobView> => {
      const principal = authorize(request.principal, resource, 'update');
      const { id } = parse(JobParams, request.params, 'params');
      const job = visibleJob(services, principal, kind, id);
      assertJobChangeable(services, principal, job);
      await readYourWrites(services, await options.jobs().command(id, command, commandContext(request, principal)));
      return jobAsSeen(services, principal, visibleJob(services, principal, kind, id));
    });
  }
}

/** The job as the read model shows it once it caught up with its creation. */
export function createdJob(app: FastifyInstance, kind: JobKind, id: string): JobView {
  const job = app.services.readModels.read((db) => getJob(db, id));
  if (job?.kind !== kind) throw new TetherError('unavailable', `${kind} job ${id} is not in the read model yet`);
  return job;
}
