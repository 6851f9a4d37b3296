// Tenants: what the Devices app calls domains. Parse, authorize, scope, call, then reply
// once the local read model shows the change.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import * as t from 'io-ts';
import { hashSecret } from '../../actors/secrets/secret-hash.js';
import { TetherError } from '../../domain/errors.js';
import { tenantAggregate } from '../../domain/tenant/aggregate.js';
import type { TenantCommand } from '../../domain/tenant/commands.js';
import { TenantId } from '../../domain/tenant/tenant-id.js';
import { getTenant, listTenants } from '../../projections/tenants/index.js';
import type { ListTenantsOptions, TenantView } from '../../projections/tenants/index.js';
import { AtQuery, tenantAt } from '../audit/time-travel.js';
import { ChangePasswordBody, defaultPageLimit, DisplayName, PageLimit, Password } from '../codecs.js';
import { parse } from '../parse.js';
import { routeSchema } from '../openapi/route-schema.js';
import { authorize } from '../permissions.js';
import type { HubServices } from '../plugins/services.js';
import { readYourWrites } from '../read-your-writes.js';
import { commandContext } from '../request-context.js';
import { assertTenantExists, assertTenantVisible, ownsTenant, tenantNotFound, visibleTenants } from '../tenant-scope.js';

const CreateTenantBody = t.exact(t.type({ id: TenantId, name: DisplayName, password: Password }));
const ListQuery = t.exact(t.partial({ limit: PageLimit, after: TenantId }));
const TenantParams = t.exact(t.type({ id: TenantId }));
const GrantParams = t.exact(t.type({ id: TenantId, grantedId: TenantId }));

export interface TenantPage {
  readonly items: readonly TenantView[];
  /** The cursor for the next page (pass it as `after`), or null on the last page. */
  readonly next: string | null;
}

function viewOf(services: HubServices, id: string): TenantView {
  const view = services.readModels.read((db) => getTenant(db, id));
  if (view === undefined) throw new TetherError('unavailable', `tenant ${id} is not in the read model yet`);
  return view;
}

/** The OpenAPI documentation of each route: its summary and the codecs it parses with. */
const docs = {
  create: routeSchema({ summary: 'Create a tenant', tag: 'tenants', body: CreateTenantBody }),
  list: routeSchema({ summary: 'List the tenants the caller sees', tag: 'tenants', query: ListQuery }),
  show: routeSchema({ summary: 'A tenant; with at, as it was at that moment', tag: 'tenants', params: TenantParams, query: AtQuery }),
  changePassword: routeSchema({ summary: "Change a tenant's password", tag: 'tenants', params: TenantParams, body: ChangePasswordBody }),
  grant: routeSchema({
    summary: 'Let tenant {id} see and act on tenant {grantedId}',
    description: "Admin only. The tenant-admins of {id} then reach {grantedId}'s devices, links and jobs; {grantedId} gains nothing. Granting twice changes nothing. Answers tenant {id} as GET does.",
    tag: 'tenants',
    params: GrantParams,
  }),
  revoke: routeSchema({
    summary: 'Take back what tenant {id} was granted on tenant {grantedId}',
    description: 'Admin only. The tenant-admins of {id} no longer see or act on {grantedId}. Revoking a grant that is not there changes nothing. Answers tenant {id} as GET does.',
    tag: 'tenants',
    params: GrantParams,
  }),
};

export const tenantRoutes: FastifyPluginAsync = async (app) => {
  const { services } = app;
  const { runtime } = services;

  app.post('/tenants', { schema: docs.create }, async (request, reply) => {
    const principal = authorize(request.principal, 'tenant', 'create');
    const body = parse(CreateTenantBody, request.body, 'body');
    const passwordHash = await hashSecret(body.password);
    const sealedPassword = services.secretSeal.seal(body.password, body.id);
    const command: TenantCommand = { type: 'CreateTenant', tenantId: body.id, name: body.name, passwordHash, sealedPassword };
    await readYourWrites(services, await runtime.execute(tenantAggregate, body.id, command, commandContext(request, principal)));
    return reply.code(201).header('location', `/api/v1/tenants/${body.id}`).send(viewOf(services, body.id));
  });

  app.get('/tenants', { schema: docs.list }, async (request): Promise<TenantPage> => {
    const principal = authorize(request.principal, 'tenant', 'read');
    const query = parse(ListQuery, request.query, 'query');
    const limit = query.limit ?? defaultPageLimit;
    const visibleTo = visibleTenants(services, principal);
    const options: ListTenantsOptions = {
      // One more than asked tells whether there is a next page.
      limit: limit + 1,
      ...(query.after === undefined ? {} : { after: query.after }),
      ...(visibleTo === undefined ? {} : { visibleTo }),
    };
    const found = services.readModels.read((db) => listTenants(db, options));
    const items = found.slice(0, limit);
    return { items, next: found.length > limit ? (items.at(-1)?.id ?? null) : null };
  });

  app.get('/tenants/:id', { schema: docs.show }, async (request) => {
    const principal = authorize(request.principal, 'tenant', 'read');
    const { id } = parse(TenantParams, request.params, 'params');
    const { at } = parse(AtQuery, request.query, 'query');
    if (at !== undefined) return tenantAt(services, principal, id, at);
    assertTenantVisible(services, principal, id);
    const view = services.readModels.read((db) => getTenant(db, id));
    if (view === undefined) throw tenantNotFound(id);
    return view;
  });

  app.put('/tenants/:id/password', { schema: docs.changePassword }, async (request) => {
    const principal = authorize(request.principal, 'tenantPassword', 'update');
    const { id } = parse(TenantParams, request.params, 'params');
    const body = parse(ChangePasswordBody, request.body, 'body');
    assertTenantVisible(services, principal, id);
    if (!ownsTenant(principal, id)) {
      throw new TetherError('forbidden', 'a tenant-admin or owner may change only its own tenant password');
    }
    await assertTenantExists(services, id);
    const command: TenantCommand = {
      type: 'ChangeTenantPassword',
      passwordHash: await hashSecret(body.password),
      sealedPassword: services.secretSeal.seal(body.password, id),
    };
    await readYourWrites(services, await runtime.execute(tenantAggregate, id, command, commandContext(request, principal)));
    return viewOf(services, id);
  });

  const grantRoute = (action: 'create' | 'delete', type: 'GrantTenantAccess' | 'RevokeTenantAccess') =>
    async (request: FastifyRequest): Promise<TenantView> => {
      const principal = authorize(request.principal, 'tenantGrant', action);
      const { id, grantedId } = parse(GrantParams, request.params, 'params');
      if (id === grantedId) {
        throw new TetherError('validation_failed', 'a tenant always sees itself; grant another tenant', ['params.grantedId']);
      }
      await assertTenantExists(services, id);
      await assertTenantExists(services, grantedId, 'params.grantedId');
      const command: TenantCommand = { type, grantedTenantId: grantedId };
      await readYourWrites(services, await runtime.execute(tenantAggregate, id, command, commandContext(request, principal)));
      return viewOf(services, id);
    };

  app.put('/tenants/:id/grants/:grantedId', { schema: docs.grant }, grantRoute('create', 'GrantTenantAccess'));
  app.delete('/tenants/:id/grants/:grantedId', { schema: docs.revoke }, grantRoute('delete', 'RevokeTenantAccess'));
};
