// Auditor accounts, the admin's alone: created with a password and an optional list of
// tenants (absent: every tenant), listed, given a new password, disabled (never deleted).
import type { FastifyPluginAsync } from 'fastify';
import * as t from 'io-ts';
import { hashSecret } from '../../actors/secrets/secret-hash.js';
import { auditorAggregate } from '../../domain/auditor/aggregate.js';
import { AuditorId } from '../../domain/auditor/auditor-id.js';
import type { AuditorCommand } from '../../domain/auditor/commands.js';
import { TetherError } from '../../domain/errors.js';
import { getAuditor, listAuditors } from '../../projections/auditors/index.js';
import type { AuditorView } from '../../projections/auditors/index.js';
import { ChangePasswordBody, defaultPageLimit, DisplayName, PageLimit, Password, TenantList } from '../codecs.js';
import { parse } from '../parse.js';
import { routeSchema } from '../openapi/route-schema.js';
import { authorize } from '../permissions.js';
import type { HubServices } from '../plugins/services.js';
import { readYourWrites } from '../read-your-writes.js';
import { commandContext } from '../request-context.js';
import { assertTenantExists } from '../tenant-scope.js';

const CreateAuditorBody = t.exact(
  t.intersection([t.type({ id: AuditorId, name: DisplayName, password: Password }), t.partial({ tenants: TenantList })]),
);
const ListQuery = t.exact(t.partial({ limit: PageLimit, after: AuditorId }));
const AuditorParams = t.exact(t.type({ id: AuditorId }));

export interface AuditorPage {
  readonly items: readonly AuditorView[];
  /** The cursor for the next page (pass it as `after`), or null on the last page. */
  readonly next: string | null;
}

const auditorNotFound = (id: string): TetherError => new TetherError('not_found', `auditor ${id} not found`, ['params.id']);

function viewOf(services: HubServices, id: string): AuditorView {
  const view = services.readModels.read((db) => getAuditor(db, id));
  if (view === undefined) throw new TetherError('unavailable', `auditor ${id} is not in the read model yet`);
  return view;
}

/** The OpenAPI documentation of each route: its summary and the codecs it parses with. */
const docs = {
  create: routeSchema({ summary: 'Create an auditor account', tag: 'auditors', body: CreateAuditorBody }),
  list: routeSchema({ summary: 'List auditor accounts', tag: 'auditors', query: ListQuery }),
  show: routeSchema({ summary: 'An auditor account', tag: 'auditors', params: AuditorParams }),
  changePassword: routeSchema({ summary: "Change an auditor's password", tag: 'auditors', params: AuditorParams, body: ChangePasswordBody }),
  disable: routeSchema({ summary: 'Disable an auditor account', tag: 'auditors', params: AuditorParams }),
};

export const auditorRoutes: FastifyPluginAsync = async (app) => {
  const { services } = app;
  const { runtime } = services;

  app.post('/auditors', { schema: docs.create }, async (request, reply) => {
    const principal = authorize(request.principal, 'auditor', 'create');
    const body = parse(CreateAuditorBody, request.body, 'body');
    for (const [i, tenant] of (body.tenants ?? []).entries()) await assertTenantExists(services, tenant, `body.tenants.${i}`);
    const command: AuditorCommand = {
      type: 'CreateAuditor',
      auditorId: body.id,
      name: body.name,
      passwordHash: await hashSecret(body.password),
      ...(body.tenants === undefined ? {} : { tenants: body.tenants }),
    };
    await readYourWrites(services, await runtime.execute(auditorAggregate, body.id, command, commandContext(request, principal)));
    return reply.code(201).header('location', `/api/v1/auditors/${body.id}`).send(viewOf(services, body.id));
  });

  app.get('/auditors', { schema: docs.list }, async (request): Promise<AuditorPage> => {
    authorize(request.principal, 'auditor', 'read');
    const query = parse(ListQuery, request.query, 'query');
    const limit = query.limit ?? defaultPageLimit;
    // One more than asked tells whether there is a next page.
    const found = services.readModels.read((db) =>
      listAuditors(db, { limit: limit + 1, ...(query.after === undefined ? {} : { after: query.after }) }),
    );
    const items = found.slice(0, limit);
    return { items, next: found.length > limit ? (items.at(-1)?.id ?? null) : null };
  });

  app.get('/auditors/:id', { schema: docs.show }, async (request): Promise<AuditorView> => {
    authorize(request.principal, 'auditor', 'read');
    const { id } = parse(AuditorParams, request.params, 'params');
    const view = services.readModels.read((db) => getAuditor(db, id));
    if (view === undefined) throw auditorNotFound(id);
    return view;
  });

  app.put('/auditors/:id/password', { schema: docs.changePassword }, async (request): Promise<AuditorView> => {
    const principal = authorize(request.principal, 'auditor', 'update');
    const { id } = parse(AuditorParams, request.params, 'params');
    const { password } = parse(ChangePasswordBody, request.body, 'body');
    await assertAuditorExists(services, id);
    const command: AuditorCommand = { type: 'ChangeAuditorPassword', passwordHash: await hashSecret(password) };
    await readYourWrites(services, await runtime.execute(auditorAggregate, id, command, commandContext(request, principal)));
    return viewOf(services, id);
  });

  app.delete('/auditors/:id', { schema: docs.disable }, async (request, reply) => {
    const principal = authorize(request.principal, 'auditor', 'delete');
    const { id } = parse(AuditorParams, request.params, 'params');
    await assertAuditorExists(services, id);
    const command: AuditorCommand = { type: 'DisableAuditor' };
    await readYourWrites(services, await runtime.execute(auditorAggregate, id, command, commandContext(request, principal)));
    return reply.code(204).send();
  });
};

/** Checks the store, not the read model, so an auditor another hub just created counts. */
async function assertAuditorExists(services: HubServices, id: string): Promise<void> {
  const { state } = await services.runtime.load(auditorAggregate, id);
  if (state.matches('absent')) throw auditorNotFound(id);
}
