// What an admin says of a device: its name, site and categories (the seed's "PC m01" at a
// site; jobs select by these categories too). Online or not; a device outside the caller's
// reach is not found.
import type { FastifyPluginAsync } from 'fastify';
import * as t from 'io-ts';
import { deviceAggregate } from '../../domain/device/aggregate.js';
import { AdminCategories, DeviceDetailText } from '../../domain/device/details.js';
import type { DeviceDetailsChange } from '../../domain/device/details.js';
import { formatMac, Mac, macOf } from '../../domain/device/mac.js';
import { TetherError } from '../../domain/errors.js';
import { getDevice } from '../../projections/devices/index.js';
import type { DeviceView } from '../../projections/devices/index.js';
import { routeSchema } from '../openapi/route-schema.js';
import { parse } from '../parse.js';
import { authorize } from '../permissions.js';
import { readYourWrites } from '../read-your-writes.js';
import { commandContext } from '../request-context.js';
import { assertDeviceReachable } from './device-assignment.js';

// An absent field is kept; null clears it (the categories: none).
const DetailsBody = t.exact(
  t.partial({
    name: t.union([DeviceDetailText, t.null]),
    site: t.union([DeviceDetailText, t.null]),
    categories: t.union([AdminCategories, t.null]),
  }),
);
// What macOf accepts, for the documentation.
const MacParams = t.type({ mac: Mac });

const docs = {
  set: routeSchema({
    summary: "Set a device's name, site or categories (null clears one)",
    tag: 'devices',
    description: 'Fields left out are kept. Categories replace the admin-set ones whole; jobs and the category filter use them with those the device reports.',
    params: MacParams,
    body: DetailsBody,
  }),
};

export const deviceDetailsRoutes: FastifyPluginAsync = async (app) => {
  const { services } = app;

  app.patch('/devices/:mac', { schema: docs.set }, async (request): Promise<DeviceView> => {
    const principal = authorize(request.principal, 'device', 'update');
    const mac = macOf(request.params);
    const { categories, ...texts } = parse(DetailsBody, request.body, 'body');
    await assertDeviceReachable(services, principal, mac);
    const change: DeviceDetailsChange = { ...texts, ...(categories === undefined ? {} : { categories: categories ?? [] }) };
    // A device live here is announced with its new categories by the device's live module.
    await readYourWrites(services, await services.runtime.execute(deviceAggregate, mac, { type: 'SetDeviceDetails', ...change }, commandContext(request, principal)));
    const view = services.readModels.read((db) => getDevice(db, mac));
    if (view === undefined) throw new TetherError('not_found', `device ${formatMac(mac)} not found`, ['params.mac']);
    return view;
  });
};
