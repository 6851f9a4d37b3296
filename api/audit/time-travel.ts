// `?at=TIME` on a tenant or a device: its stream replayed up to that moment through its
// machine (runtime.loadAt), shown in the read model's view shape, secrets left out as there.
// createdAt/registeredAt is the time of the stream's first event; updatedAt the time of the
// last event recorded up to the moment, which for a device may be one the read model does not
// count as a change (a password delivered, a connection refused).
import * as t from 'io-ts';
import { deviceAggregate } from '../../domain/device/aggregate.js';
import { isOnline, isRegistered } from '../../domain/device/decide.js';
import { listedTenantOf, listingFactsOf, listStateOf, seesTenant } from '../../domain/device/listing.js';
import type { DeviceState } from '../../domain/device/decide.js';
import { formatMac } from '../../domain/device/mac.js';
import type { Mac } from '../../domain/device/mac.js';
import { TetherError } from '../../domain/errors.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import type { Principal } from '../../domain/principal.js';
import { streamOf } from '../../domain/stream-name.js';
import { tenantAggregate } from '../../domain/tenant/aggregate.js';
import type { DeviceListState, DeviceView } from '../../projections/devices/index.js';
import type { TenantView } from '../../projections/tenants/index.js';
import { IsoInstant } from '../iso-instant.js';
import { authorize } from '../permissions.js';
import type { HubServices } from '../plugins/services.js';
import { assertTenantVisible, tenantNotFound, visibleTenants } from '../tenant-scope.js';

/** Other query parameters are left to the route. */
export const AtQuery = t.partial({ at: IsoInstant });

interface Stamps {
  /** Time of the stream's first event. */
  readonly first: string;
  /** Time of the event at `revision`. */
  readonly last: string;
}

async function stampsOf(store: EventStore, stream: string, revision: number): Promise<Stamps> {
  const [first] = await store.readStream(stream, { fromRevision: 0, maxCount: 1 });
  const [last] = await store.readStream(stream, { fromRevision: revision, maxCount: 1 });
  if (first === undefined || last === undefined) throw new TetherError('internal', `${stream} lost events while being read`);
  return { first: first.metadata.at, last: last.metadata.at };
}

export async function tenantAt(services: HubServices, principal: Principal, id: string, at: Date): Promise<TenantView> {
  authorize(principal, 'history', 'read');
  assertTenantVisible(services, principal, id);
  const { state, revision } = await services.runtime.loadAt(tenantAggregate, id, at);
  if (state.matches('absent')) throw tenantNotFound(id);
  const { context } = state;
  const stamps = await stampsOf(services.eventStore, streamOf(tenantAggregate.category, id), revision);
  return {
    id: context.tenantId,
    name: context.name,
    grants: [...context.grants].sort(),
    passwordDeployment: context.passwordDeployment,
    createdAt: stamps.first,
    updatedAt: stamps.last,
  };
}

/** As the device list shows it (the listed-tenant rule of domain/device/listing.ts). */
function listedAs(state: DeviceState): { readonly tenant: string | null; readonly state: DeviceListState } {
  const facts = listingFactsOf(state);
  return { tenant: listedTenantOf(facts), state: listStateOf(facts) };
}

export async function deviceAt(services: HubServices, principal: Principal, mac: Mac, at: Date): Promise<DeviceView> {
  authorize(principal, 'history', 'read');
  const notFound = new TetherError('not_found', `device ${formatMac(mac)} not found`, ['params.mac']);
  const { state, revision } = await services.runtime.loadAt(deviceAggregate, mac, at);
  if (!isRegistered(state)) throw notFound;
  const listed = listedAs(state);
  if (!seesTenant(visibleTenants(services, principal), listed.tenant)) throw notFound;
  const { context } = state;
  const online = isOnline(state);
  const stamps = await stampsOf(services.eventStore, streamOf(deviceAggregate.category, mac), revision);
  return {
    mac: formatMac(context.mac),
    ...listed,
    online,
    ip: context.ip ?? null,
    lastSeen: context.lastSeen ?? null,
    // While online, lastSeen is the time of the live connection's start.
    connectedSince: online ? (context.lastSeen ?? null) : null,
    model: context.model,
    firmware: context.firmware,
    apps: context.apps,
    software: context.software,
    categories: context.categories,
    name: context.name ?? null,
    site: context.site ?? null,
    adminCategories: context.adminCategories,
    registeredAt: stamps.first,
    updatedAt: stamps.last,
  };
}
