// Restore (the seed's "Restore"): the device GETs a backup file and hands it to its
// --on-restore hook. The request and its ending are recorded (restore-<requestId>). The answer
// comes once the device reports back: 200, or the device's own error (502), or a timeout (504).
// A device outside the caller's reach is not found.
import type { FastifyPluginAsync } from 'fastify';
import * as t from 'io-ts';
import { deviceAggregate } from '../../domain/device/aggregate.js';
import { isRegistered } from '../../domain/device/decide.js';
import { listingFactsOf, seesTenant } from '../../domain/device/listing.js';
import { formatMac, Mac, macOf } from '../../domain/device/mac.js';
import { TetherError } from '../../domain/errors.js';
import { HttpUrl, WebdavAuth } from '../../domain/gateway/job-messages.js';
import { routeSchema } from '../openapi/route-schema.js';
import { parse } from '../parse.js';
import { commandContext } from '../request-context.js';
import { authorize } from '../permissions.js';
import { visibleTenants } from '../tenant-scope.js';

/** For the documentation: what `mac` must be (macOf decodes it, to name the accepted forms). */
const MacParams = t.type({ mac: Mac });
const RestoreBody = t.exact(t.type({ url: HttpUrl, auth: WebdavAuth }));

export interface RestoreDone {
  readonly requestId: string;
  readonly ok: true;
}

export const restoreRoutes: FastifyPluginAsync = async (app) => {
  const { services } = app;

  const docs = routeSchema({ summary: 'Have the device GET a backup file and hand it to its --on-restore hook', tag: 'devices', params: MacParams, body: RestoreBody });
  // Forwarded to the device's node, the answer may wait on the device as long as a restore does.
  const preHandler = app.atDeviceOwner('mac', { deviceWaitMs: services.restores.timeoutMs });
  app.post('/devices/:mac/restore', { schema: docs, preHandler }, async (request): Promise<RestoreDone> => {
    const principal = authorize(request.principal, 'restore', 'create');
    const mac = macOf(request.params);
    const { url, auth } = parse(RestoreBody, request.body, 'body');
    const { state } = await services.runtime.load(deviceAggregate, mac);
    const tenant = isRegistered(state) ? (listingFactsOf(state).tenantId ?? undefined) : undefined;
    if (!isRegistered(state) || !seesTenant(visibleTenants(services, principal), tenant)) {
      throw new TetherError('not_found', `device ${formatMac(mac)} not found`, ['params.mac']);
    }
    const requestId = await services.restores.restore({ mac, ...(tenant === undefined ? {} : { tenantId: tenant }), url, auth }, commandContext(request, principal));
    return { requestId, ok: true };
  });
};
