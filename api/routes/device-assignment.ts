// Assigning a device to a tenant, moving it (assigning it to another) and unassigning it.
// An assignment gives the device a new random password over its live control connection, so
// the device must be connected: the node holding its connection answers (plugins/owner-routing.ts).
// A device outside the caller's reach is not found.
import type { FastifyPluginAsync } from 'fastify';
import * as t from 'io-ts';
import { deviceAggregate } from '../../domain/device/aggregate.js';
import { isRegistered } from '../../domain/device/decide.js';
import { listedTenantOf, listingFactsOf, seesTenant } from '../../domain/device/listing.js';
import { formatMac, Mac, macOf } from '../../domain/device/mac.js';
import { TetherError } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import { TenantId } from '../../domain/tenant/tenant-id.js';
import { parse } from '../parse.js';
import { routeSchema } from '../openapi/route-schema.js';
import { authorize } from '../permissions.js';
import type { HubServices } from '../plugins/services.js';
import { readYourWrites } from '../read-your-writes.js';
import { commandContext } from '../request-context.js';
import { assertTenantExists, tenantNotFound, visibleTenants } from '../tenant-scope.js';

const AssignBody = t.exact(t.type({ tenant: TenantId }));
// What macOf accepts, for the documentation.
const MacParams = t.type({ mac: Mac });

export interface DeviceAssignment {
  /** Canonical: 12 lowercase hex digits. */
  readonly mac: string;
  readonly tenant: string | null;
}

const deviceNotFound = (mac: Mac): TetherError => new TetherError('not_found', `device ${formatMac(mac)} not found`, ['params.mac']);

/**
 * Admins reach every device. A tenant-admin reaches a device listed in a tenant it sees:
 * assigned there, and not online without its password (it then shows as unassigned).
 */
export async function assertDeviceReachable(services: HubServices, principal: Principal, mac: Mac): Promise<void> {
  const { state } = await services.runtime.load(deviceAggregate, mac);
  if (!isRegistered(state)) throw deviceNotFound(mac);
  if (!seesTenant(visibleTenants(services, principal), listedTenantOf(listingFactsOf(state)))) throw deviceNotFound(mac);
}

/** The OpenAPI documentation of each route: its summary and the codecs it parses with. */
const docs = {
  assign: routeSchema({ summary: 'Assign (or move) a connected device to a tenant', tag: 'devices', params: MacParams, body: AssignBody }),
  unassign: routeSchema({ summary: 'Unassign a connected device', tag: 'devices', params: MacParams }),
};

export const deviceAssignmentRoutes: FastifyPluginAsync = async (app) => {
  const { services } = app;

  app.post('/devices/:mac/assign', { schema: docs.assign, preHandler: app.atDeviceOwner('mac') }, async (request): Promise<DeviceAssignment> => {
    const principal = authorize(request.principal, 'device', 'update');
    const mac = macOf(request.params);
    const { tenant } = parse(AssignBody, request.body, 'body');
    await assertDeviceReachable(services, principal, mac);
    const visible = visibleTenants(services, principal);
    if (visible !== undefined && !visible.includes(tenant)) throw tenantNotFound(tenant, 'body.tenant');
    await assertTenantExists(services, tenant, 'body.tenant');
    await readYourWrites(services, await services.devices.assign(mac, tenant, commandContext(request, principal)));
    return { mac: formatMac(mac), tenant };
  });

  app.post('/devices/:mac/unassign', { schema: docs.unassign, preHandler: app.atDeviceOwner('mac') }, async (request): Promise<DeviceAssignment> => {
    const principal = authorize(request.principal, 'device', 'update');
    const mac = macOf(request.params);
    await assertDeviceReachable(services, principal, mac);
    await readYourWrites(services, await services.runtime.execute(deviceAggregate, mac, { type: 'UnassignDevice' }, commandContext(request, principal)));
    return { mac: formatMac(mac), tenant: null };
  });
};
