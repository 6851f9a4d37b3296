// The device list and a device by MAC: reads of the local read model. A device outside the
// caller's reach, unassigned devices for a tenant-admin included, is reported as not found.
import type { FastifyPluginAsync } from 'fastify';
import * as t from 'io-ts';
import { seesTenant } from '../../domain/device/listing.js';
import { formatMac, Mac, macOf } from '../../domain/device/mac.js';
import { TetherError } from '../../domain/errors.js';
import { TenantId } from '../../domain/tenant/tenant-id.js';
import { getDevice, listDevices } from '../../projections/devices/index.js';
import type { DeviceView, ListDevicesOptions } from '../../projections/devices/index.js';
import { AtQuery, deviceAt } from '../audit/time-travel.js';
import { PageLimit } from '../codecs.js';
import { routeSchema } from '../openapi/route-schema.js';
import { parse } from '../parse.js';
import { authorize } from '../permissions.js';
import { visibleTenants } from '../tenant-scope.js';

export const defaultDevicePageLimit = 50;

interface SearchTextBrand {
  readonly SearchText: unique symbol;
}
const SearchText = t.brand(
  t.string,
  (s): s is t.Branded<string, SearchTextBrand> => s.length >= 1 && s.length <= 200,
  'SearchText',
);

const ListQuery = t.exact(
  t.partial({
    limit: PageLimit,
    after: Mac,
    tenant: TenantId,
    state: t.keyof({ unassigned: null, online: null, offline: null }),
    category: SearchText,
    site: SearchText,
    model: SearchText,
    firmware: SearchText,
    q: SearchText,
  }),
);
// What macOf accepts, for the documentation.
const MacParams = t.type({ mac: Mac });

export interface DevicePage {
  readonly items: readonly DeviceView[];
  /** The cursor for the next page (pass it as `after`), or null on the last page. */
  readonly next: string | null;
}

/** The OpenAPI documentation of each route: its summary and the codecs it parses with. */
const docs = {
  list: routeSchema({
    summary: 'List the devices the caller sees, with filters',
    tag: 'devices',
    description: 'category: reported by the device or set by an admin; q: part of the MAC, model, firmware, name or site.',
    query: ListQuery,
  }),
  show: routeSchema({ summary: 'A device; with at, as it was at that moment', tag: 'devices', params: MacParams, query: AtQuery }),
};

export const deviceRoutes: FastifyPluginAsync = async (app) => {
  const { services } = app;

  app.get('/devices', { schema: docs.list }, async (request): Promise<DevicePage> => {
    const principal = authorize(request.principal, 'device', 'read');
    const { limit = defaultDevicePageLimit, ...filters } = parse(ListQuery, request.query, 'query');
    const visibleTo = visibleTenants(services, principal);
    // One more than asked tells whether there is a next page.
    const options: ListDevicesOptions = { ...filters, limit: limit + 1, ...(visibleTo === undefined ? {} : { visibleTo }) };
    const found = services.readModels.read((db) => listDevices(db, options));
    const items = found.slice(0, limit);
    return { items, next: found.length > limit ? (items.at(-1)?.mac ?? null) : null };
  });

  app.get('/devices/:mac', { schema: docs.show }, async (request): Promise<DeviceView> => {
    const principal = authorize(request.principal, 'device', 'read');
    const mac = macOf(request.params);
    const { at } = parse(AtQuery, request.query, 'query');
    if (at !== undefined) return deviceAt(services, principal, mac, at);
    const view = services.readModels.read((db) => getDevice(db, mac));
    const visible = visibleTenants(services, principal);
    const reachable = view !== undefined && seesTenant(visible, view.tenant);
    if (!reachable) throw new TetherError('not_found', `device ${formatMac(mac)} not found`, ['params.mac']);
    return view;
  });
};
