// Update jobs (the seed's "Update jobs"): POST creates one for a firmware version or an app
// version of the current catalog; jobs run one after another, at most `concurrency` devices
// (20 by default) updating at once. List, details with each device's status and error, and
// pause / resume / cancel / retry come from job-routes.ts.
import type { FastifyPluginAsync } from 'fastify';
import * as t from 'io-ts';
import { UpdateTarget } from '../../domain/gateway/job-messages.js';
import { Categories, Concurrency, ErrorThreshold, JobName, JobTimeoutMs, Tenants } from '../../domain/job/job-fields.js';
import { updateJobAggregate } from '../../domain/update-job/aggregate.js';
import { inBody } from '../jobs/in-body.js';
import { jobTenants } from '../jobs/job-access.js';
import { createdJob, registerJobRoutes } from '../jobs/job-routes.js';
import { routeSchema } from '../openapi/route-schema.js';
import { parse } from '../parse.js';
import { authorize } from '../permissions.js';
import { readYourWrites } from '../read-your-writes.js';
import { commandContext } from '../request-context.js';

const CreateBody = t.exact(
  t.intersection([
    t.type({ name: JobName, categories: Categories, target: UpdateTarget }),
    t.partial({ tenants: Tenants, concurrency: Concurrency, timeoutMs: JobTimeoutMs, errorThreshold: ErrorThreshold }),
  ]),
);

export const updateJobRoutes: FastifyPluginAsync = async (app) => {
  const { services } = app;

  const createDocs = routeSchema({ summary: 'Create an update job for a firmware, app or software version of the catalog', tag: 'update jobs', body: CreateBody });
  app.post('/update-jobs', { schema: createDocs }, async (request, reply) => {
    const principal = authorize(request.principal, 'updateJob', 'create');
    const { tenants, ...body } = parse(CreateBody, request.body, 'body');
    const forTenants = await jobTenants(services, principal, tenants);
    const created = await inBody(() => services.updateJobs.create({ ...body, tenants: forTenants }, commandContext(request, principal)));
    await readYourWrites(services, created);
    return reply.code(201).send(createdJob(app, 'update', created.jobId));
  });

  registerJobRoutes(app, { path: '/update-jobs', kind: 'update', aggregate: updateJobAggregate, resource: 'updateJob', jobs: () => services.updateJobs });
};
