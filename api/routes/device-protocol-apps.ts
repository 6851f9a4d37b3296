// Protocol applications on a device: a tenant-admin (the seed's site owner) assigns them to the
// devices it sees and removes them; a user connects an assigned application and disconnects
// it. A device outside the caller's reach is not found; an unassigned device has no tenant to
// assign or connect for.
import type { FastifyPluginAsync } from 'fastify';
import * as t from 'io-ts';
import { deviceAggregate } from '../../domain/device/aggregate.js';
import { isRegistered } from '../../domain/device/decide.js';
import { listedTenantOf, listingFactsOf, seesTenant } from '../../domain/device/listing.js';
import { formatMac, Mac, macOf } from '../../domain/device/mac.js';
import { TetherError } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import { assignmentsOfDevice, getAssignment } from '../../projections/protocol-apps/index.js';
import type { AssignmentView } from '../../projections/protocol-apps/index.js';
import type { ConnectedApp } from '../../actors/protocol-app/protocol-app-supervisor.js';
import { routeSchema } from '../openapi/route-schema.js';
import { authorize } from '../permissions.js';
import type { HubServices } from '../plugins/services.js';
import { readYourWrites } from '../read-your-writes.js';
import { commandContext } from '../request-context.js';
import { visibleTenants } from '../tenant-scope.js';
import { appIdOf } from './protocol-apps.js';

const DeviceParams = t.type({ mac: Mac });
const DeviceAppParams = t.type({ mac: Mac, id: t.string });

export interface DeviceAppView extends AssignmentView {
  /** The live connection on this hub, if the application is connected. */
  readonly connection: ConnectionView | null;
}

export interface ConnectionView {
  readonly type: string;
  readonly sessions: readonly string[];
  /**
   * The host of the node holding the connection, as the request reached it: a request asked of
   * another node was forwarded to this one's --internal-url, and the port is bound here.
   */
  readonly host: string;
  /** tcp, udp, http: where a client connects on the hub (at `host`). */
  readonly port?: number;
  /** http: the device's web interface through the hub (embeddable in the dashboard's iframe). */
  readonly url?: string;
}

const deviceNotFound = (mac: Mac): TetherError => new TetherError('not_found', `device ${formatMac(mac)} not found`, ['params.mac']);

/** The tenant the device is listed in, which the principal must see; a device without one cannot take applications. */
async function deviceTenant(services: HubServices, principal: Principal, mac: Mac): Promise<string> {
  const { state } = await services.runtime.load(deviceAggregate, mac);
  if (!isRegistered(state)) throw deviceNotFound(mac);
  const listed = listedTenantOf(listingFactsOf(state));
  if (!seesTenant(visibleTenants(services, principal), listed)) throw deviceNotFound(mac);
  if (listed === null) {
    throw new TetherError('transition_forbidden', `device ${formatMac(mac)} is unassigned: assign it to a tenant first`, ['params.mac']);
  }
  return listed;
}

function connectionView(connected: ConnectedApp, hostname: string): ConnectionView {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1');
  const host = bare.includes(':') ? `[${bare}]` : bare;
  return {
    type: connected.type,
    sessions: connected.sessions,
    host: bare,
    ...(connected.port === undefined ? {} : { port: connected.port }),
    ...(connected.type === 'http' && connected.port !== undefined ? { url: `http://${host}:${connected.port}/` } : {}),
  };
}

export const deviceProtocolAppRoutes: FastifyPluginAsync = async (app) => {
  const { services } = app;
  const apps = services.forwards.apps;

  app.get('/devices/:mac/protocol-apps', { schema: routeSchema({ summary: 'The protocol applications assigned to a device, and their connections', tag: 'protocol-apps', params: DeviceParams }), preHandler: app.atDeviceOwner('mac') }, async (request): Promise<{ readonly items: readonly DeviceAppView[] }> => {
    const principal = authorize(request.principal, 'protocolApp', 'read');
    const mac = macOf(request.params);
    await deviceTenant(services, principal, mac);
    const assigned = services.readModels.read((db) => assignmentsOfDevice(db, mac));
    return {
      items: assigned.map((assignment) => {
        const connected = apps.connectionOf(assignment.appId, mac);
        return { ...assignment, connection: connected === undefined ? null : connectionView(connected, request.hostname) };
      }),
    };
  });

  app.put('/devices/:mac/protocol-apps/:id', { schema: routeSchema({ summary: 'Assign a protocol application to a device', tag: 'protocol-apps', params: DeviceAppParams }) }, async (request): Promise<AssignmentView> => {
    const principal = authorize(request.principal, 'protocolAppAssignment', 'update');
    const mac = macOf(request.params);
    const appId = appIdOf(request.params);
    const tenantId = await deviceTenant(services, principal, mac);
    await readYourWrites(services, await apps.assign(appId, mac, tenantId, commandContext(request, principal)));
    const assignment = services.readModels.read((db) => getAssignment(db, appId, mac));
    if (assignment === undefined) throw new TetherError('not_found', `protocol application ${appId} not found`, ['params.id']);
    return assignment;
  });

  app.delete('/devices/:mac/protocol-apps/:id', { schema: routeSchema({ summary: 'Remove a protocol application from a device; its connection there ends', tag: 'protocol-apps', params: DeviceAppParams }), preHandler: app.atDeviceOwner('mac') }, async (request, reply) => {
    const principal = authorize(request.principal, 'protocolAppAssignment', 'update');
    const mac = macOf(request.params);
    const appId = appIdOf(request.params);
    await deviceTenant(services, principal, mac);
    await readYourWrites(services, await apps.unassign(appId, mac, commandContext(request, principal)));
    return reply.code(204).send();
  });

  app.post('/devices/:mac/protocol-apps/:id/connect', { schema: routeSchema({ summary: 'Connect a protocol application assigned to a device', tag: 'protocol-apps', params: DeviceAppParams }), preHandler: app.atDeviceOwner('mac') }, async (request, reply) => {
    const principal = authorize(request.principal, 'protocolAppConnection', 'create');
    const mac = macOf(request.params);
    const appId = appIdOf(request.params);
    const tenantId = await deviceTenant(services, principal, mac);
    const connected = await apps.connect(appId, mac, tenantId, commandContext(request, principal));
    await readYourWrites(services, connected);
    return reply.code(201).send({ appId, device: formatMac(mac), ...connectionView(connected, request.hostname) });
  });

  app.post('/devices/:mac/protocol-apps/:id/disconnect', { schema: routeSchema({ summary: 'Disconnect a protocol application on a device', tag: 'protocol-apps', params: DeviceAppParams }), preHandler: app.atDeviceOwner('mac') }, async (request, reply) => {
    const principal = authorize(request.principal, 'protocolAppConnection', 'delete');
    const mac = macOf(request.params);
    const appId = appIdOf(request.params);
    await deviceTenant(services, principal, mac);
    await readYourWrites(services, await apps.disconnect(appId, mac, commandContext(request, principal)));
    return reply.code(204).send();
  });
};
