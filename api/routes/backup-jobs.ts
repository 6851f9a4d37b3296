// Backup jobs (the seed's "Backup jobs"): each device PUTs its configuration to
// <target.url>/<tenant>/<mac>/<timestamp> on a WebDAV server, with Basic or Digest
// authentication or none. The password is sealed before it is stored and never shown again.
import type { FastifyPluginAsync } from 'fastify';
import * as t from 'io-ts';
import { backupJobAggregate } from '../../domain/backup-job/aggregate.js';
import { BackupTargetUrl } from '../../domain/backup-job/backup-location.js';
import { WebdavAuth } from '../../domain/gateway/job-messages.js';
import { Categories, Concurrency, ErrorThreshold, JobName, JobTimeoutMs, Tenants } from '../../domain/job/job-fields.js';
import { inBody } from '../jobs/in-body.js';
import { jobTenants } from '../jobs/job-access.js';
import { createdJob, registerJobRoutes } from '../jobs/job-routes.js';
import { routeSchema } from '../openapi/route-schema.js';
import { parse } from '../parse.js';
import { authorize } from '../permissions.js';
import { readYourWrites } from '../read-your-writes.js';
import { commandContext } from '../request-context.js';

/** `auth` takes the shape a restore's does. */
const Target = t.exact(t.type({ url: BackupTargetUrl, auth: WebdavAuth }));

const CreateBody = t.exact(
  t.intersection([
    t.type({ name: JobName, categories: Categories, target: Target }),
    t.partial({ tenants: Tenants, concurrency: Concurrency, timeoutMs: JobTimeoutMs, errorThreshold: ErrorThreshold }),
  ]),
);

export const backupJobRoutes: FastifyPluginAsync = async (app) => {
  const { services } = app;

  const createDocs = routeSchema({ summary: 'Create a backup job: devices PUT their configuration to a WebDAV server', tag: 'backup jobs', body: CreateBody });
  app.post('/backup-jobs', { schema: createDocs }, async (request, reply) => {
    const principal = authorize(request.principal, 'backupJob', 'create');
    const { tenants, target, ...body } = parse(CreateBody, request.body, 'body');
    const forTenants = await jobTenants(services, principal, tenants);
    const created = await inBody(() => services.backupJobs.create({ ...body, target, tenants: forTenants }, commandContext(request, principal)));
    await readYourWrites(services, created);
    return reply.code(201).send(createdJob(app, 'backup', created.jobId));
  });

  registerJobRoutes(app, { path: '/backup-jobs', kind: 'backup', aggregate: backupJobAggregate, resource: 'backupJob', jobs: () => services.backupJobs });
};
