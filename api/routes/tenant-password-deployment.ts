// "Deploy the tenant password on all devices", per tenant: the instance admin, or the
// tenant's own tenant-admin (as for its password), turns it on or off.
import type { FastifyPluginAsync } from 'fastify';
import * as t from 'io-ts';
import { TetherError } from '../../domain/errors.js';
import { tenantAggregate } from '../../domain/tenant/aggregate.js';
import type { TenantCommand } from '../../domain/tenant/commands.js';
import { TenantId } from '../../domain/tenant/tenant-id.js';
import { getTenant } from '../../projections/tenants/index.js';
import type { TenantView } from '../../projections/tenants/index.js';
import { parse } from '../parse.js';
import { routeSchema } from '../openapi/route-schema.js';
import { authorize } from '../permissions.js';
import { readYourWrites } from '../read-your-writes.js';
import { commandContext } from '../request-context.js';
import { assertTenantExists, assertTenantVisible, ownsTenant } from '../tenant-scope.js';

const TenantParams = t.exact(t.type({ id: TenantId }));
const DeploymentBody = t.exact(t.type({ enabled: t.boolean }));

/** The OpenAPI documentation of each route: its summary and the codecs it parses with. */
const docs = {
  set: routeSchema({ summary: "Turn deploying the tenant's password to its devices on or off", tag: 'tenants', params: TenantParams, body: DeploymentBody }),
};

export const tenantPasswordDeploymentRoutes: FastifyPluginAsync = async (app) => {
  const { services } = app;

  app.put('/tenants/:id/password-deployment', { schema: docs.set }, async (request): Promise<TenantView> => {
    const principal = authorize(request.principal, 'tenantPassword', 'update');
    const { id } = parse(TenantParams, request.params, 'params');
    const { enabled } = parse(DeploymentBody, request.body, 'body');
    assertTenantVisible(services, principal, id);
    if (!ownsTenant(principal, id)) {
      throw new TetherError('forbidden', 'a tenant-admin or owner may change only its own tenant\'s password deployment');
    }
    await assertTenantExists(services, id);
    const command: TenantCommand = { type: 'SetTenantPasswordDeployment', enabled };
    await readYourWrites(services, await services.runtime.execute(tenantAggregate, id, command, commandContext(request, principal)));
    const view = services.readModels.read((db) => getTenant(db, id));
    if (view === undefined) throw new TetherError('unavailable', `tenant ${id} is not in the read model yet`);
    return view;
  });
};
