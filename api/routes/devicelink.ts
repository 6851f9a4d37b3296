// DeviceLink, as the seed (seeds/devicelink-api.txt): POST opens a link to a device port and
// answers where the client connects and the token that closes it; DELETE with that token
// closes it. A device outside the caller's reach is not found; one without a tenant has no tenant
// to link for, so it cannot be linked; one whose connection did not present its password is
// refused (device_unauthenticated).
import type { FastifyPluginAsync } from 'fastify';
import { isLeft } from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { deviceAggregate } from '../../domain/device/aggregate.js';
import { isRegistered } from '../../domain/device/decide.js';
import { listingFactsOf, seesTenant } from '../../domain/device/listing.js';
import { formatMac, Mac, macOf } from '../../domain/device/mac.js';
import { TetherError } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import { decodeDeviceLinkRequest, DeviceLinkRequest, deviceLinkResponse, resolveLinkSettings } from '../../domain/tunnel/devicelink-request.js';
import type { DeviceLinkResponse } from '../../domain/tunnel/devicelink-request.js';
import { linkDefaultsOf } from '../devicelink-config.js';
import { parse } from '../parse.js';
import { routeSchema } from '../openapi/route-schema.js';
import { authorize } from '../permissions.js';
import type { HubServices } from '../plugins/services.js';
import { readYourWrites } from '../read-your-writes.js';
import { commandContext } from '../request-context.js';
import { visibleTenants } from '../tenant-scope.js';

// What macOf accepts, for the documentation.
const DeviceParams = t.type({ deviceIdentifier: Mac });
const TokenParams = t.type({ deviceLinkToken: t.string });

const deviceNotFound = (mac: Mac): TetherError =>
  new TetherError('not_found', `device ${formatMac(mac)} not found`, ['params.deviceIdentifier']);

/**
 * The tenant the device is linked for: the one it is assigned to, which the principal must see.
 * Unlike the list, a connection without the device password does not hide the device here: the
 * caller learns it is device_unauthenticated rather than not found.
 */
async function linkableTenant(services: HubServices, principal: Principal, mac: Mac): Promise<string> {
  const { state } = await services.runtime.load(deviceAggregate, mac);
  if (!isRegistered(state)) throw deviceNotFound(mac);
  const { tenantId: assigned, online, authenticated } = listingFactsOf(state);
  if (!seesTenant(visibleTenants(services, principal), assigned)) throw deviceNotFound(mac);
  if (assigned === null || assigned === undefined) {
    throw new TetherError('transition_forbidden', `device ${formatMac(mac)} is unassigned: assign it to a tenant before linking to it`, [
      'params.deviceIdentifier',
    ]);
  }
  if (online && !authenticated) {
    throw new TetherError('device_unauthenticated', `device ${formatMac(mac)} is connected but did not prove its device password: nothing is sent to it`);
  }
  return assigned;
}

/** The body's paths as the API reports them: resolveLinkSettings names bare fields. */
const inBody = (error: TetherError): TetherError =>
  new TetherError(error.code, error.message, error.details.map((path) => `body.${path}`));

/** The OpenAPI documentation of each route: its summary and the codecs it parses with. */
const docs = {
  open: routeSchema({ summary: 'Open a DeviceLink to a device port', tag: 'devicelink', params: DeviceParams, body: DeviceLinkRequest }),
  close: routeSchema({ summary: 'Close a DeviceLink by its token', tag: 'devicelink', params: TokenParams }),
};

export const deviceLinkRoutes: FastifyPluginAsync = async (app) => {
  const { services } = app;

  app.post('/devicelink/:deviceIdentifier', { schema: docs.open, preHandler: app.atDeviceOwner('deviceIdentifier') }, async (request, reply) => {
    const principal = authorize(request.principal, 'deviceLink', 'create');
    const device = macOf(request.params, 'deviceIdentifier');
    const tenantId = await linkableTenant(services, principal, device);
    const body = decodeDeviceLinkRequest(request.body, 'body');
    if (isLeft(body)) throw body.left;
    const settings = resolveLinkSettings(body.right, linkDefaultsOf(services.deviceLink));
    if (isLeft(settings)) throw inBody(settings.left);
    const opened = await services.tunnels.open({
      device,
      tenantId,
      settings: settings.right,
      context: commandContext(request, principal),
      ...(body.right.relay === undefined ? {} : { relay: body.right.relay }),
      // Clients of a link on the hub connect to the host they reached the API at.
      apiHost: request.hostname.replace(/^\[(.*)\]$/, '$1'),
    });
    await readYourWrites(services, opened);
    const response: DeviceLinkResponse = deviceLinkResponse(settings.right, opened);
    return reply.code(201).send(response);
  });

  app.delete('/devicelink/:deviceLinkToken', { schema: docs.close, preHandler: app.atLinkOwner('deviceLinkToken') }, async (request, reply) => {
    const principal = authorize(request.principal, 'deviceLink', 'delete');
    const { deviceLinkToken } = parse(TokenParams, request.params, 'params');
    const link = await services.tunnels.linkOfToken(deviceLinkToken);
    const visible = visibleTenants(services, principal);
    if (visible !== undefined && !visible.includes(link.tenantId)) {
      throw new TetherError('not_found', 'no open device link has this token', ['params.deviceLinkToken']);
    }
    await readYourWrites(services, await services.tunnels.close(link.tunnelId, 'deleted', commandContext(request, principal)));
    return reply.code(204).send();
  });
};
