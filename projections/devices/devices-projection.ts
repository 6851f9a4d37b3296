// The device read model: one row per MAC, with what the device list shows. A change goes
// to the rooms of the tenant the device is listed in (and of the tenants granted access
// to it); an unassigned device, or one whose connection did not present its password,
// goes to admins only. When a device leaves a tenant's list (unassigned, moved, or a
// connection without its password), that tenant's audience hears it is gone.
import type * as t from 'io-ts';
import { DeviceEvent } from '../../domain/device/events.js';
import { inventoryAfter } from '../../domain/device/inventory.js';
import { formatMac, isMac } from '../../domain/device/mac.js';
import { TetherError } from '../../domain/errors.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { idOf } from '../../domain/stream-name.js';
import { decodeStoredEvent } from '../decode-stored-event.js';
import type { Database, Projection, ReadModelChange } from '../projection.js';
import { hasDeviceRecord, loadDeviceRecord, saveDeviceRecord, viewOf } from './device-record.js';
import type { DeviceRecord } from './device-record.js';
import { createDeviceTables, dropDeviceTables } from './device-tables.js';

export const deviceChanged = 'device.changed';

const rowlessTypes = ['DeviceConnectionRefused', 'DevicePasswordDelivered', 'TenantPasswordDeployed', 'ProvisioningRefused'] as const;
type RowlessEvent = Extract<DeviceEvent, { type: (typeof rowlessTypes)[number] }>;
const rowless: ReadonlySet<string> = new Set(rowlessTypes);
/** Facts the list does not show; one comes with every hello (the tenant password's deployment). */
const isRowless = (event: DeviceEvent): event is RowlessEvent => rowless.has(event.type);

/** What the audience of the tenant a device was listed in hears when it leaves that list. */
export interface DeviceRemoved {
  readonly mac: string;
  readonly tenant: string;
  readonly removed: true;
}

export const devicesProjection: Projection = {
  name: 'devices',
  // 3: names, sites and categories an admin sets; 4: the software a device reports; 5: MACs published as 00:11:22:AA:BB:CC.
  version: 5,
  filter: { streamPrefixes: ['device-'] },
  migrate: createDeviceTables,
  drop: dropDeviceTables,
  apply(db, event) {
    const deviceEvent = decodeStoredEvent(codecOf(event), event);
    const mac = idOf(event.stream);
    if (!isMac(mac)) corrupt(event, 'is not on a device-<mac> stream');
    const stamp = { updatedAt: event.metadata.at, position: event.position };
    if (deviceEvent.type === 'DeviceRegistered') {
      if (deviceEvent.data.mac !== mac) corrupt(event, `names device ${deviceEvent.data.mac}`);
      if (hasDeviceRecord(db, mac)) corrupt(event, `registers device ${mac} again`);
      const { model, firmware, apps, software, categories } = deviceEvent.data;
      const registered: DeviceRecord = {
        mac,
        tenantId: null,
        online: false,
        authenticated: false,
        connectionId: null,
        ip: null,
        lastSeen: null,
        connectedSince: null,
        model,
        firmware,
        apps,
        software: software ?? [],
        categories,
        name: null,
        site: null,
        adminCategories: [],
        registeredAt: event.metadata.at,
        ...stamp,
      };
      return save(db, undefined, registered);
    }
    const unknown = (): never => corrupt(event, `concerns device ${mac}, which was never registered`);
    // Only whether the device is known is read: its row stays as it is.
    if (isRowless(deviceEvent)) {
      if (!hasDeviceRecord(db, mac)) unknown();
      return [];
    }
    const device = loadDeviceRecord(db, mac) ?? unknown();
    switch (deviceEvent.type) {
      case 'DeviceConnected': {
        // Extra fields (e.g. the node that holds the connection) are not part of the list.
        const { connectionId, ip, authenticated, at } = deviceEvent.data;
        return save(db, device, {
          ...device,
          online: true,
          authenticated,
          connectionId,
          ip,
          lastSeen: at,
          connectedSince: at,
          ...inventoryAfter(device, deviceEvent.data),
          ...stamp,
        });
      }
      case 'DeviceDisconnected':
        // As in the machine: only the live connection's end takes the device offline.
        if (!device.online || device.connectionId !== deviceEvent.data.connectionId) return [];
        return save(db, device, {
          ...device,
          online: false,
          authenticated: false,
          connectionId: null,
          lastSeen: deviceEvent.data.at,
          connectedSince: null,
          ...stamp,
        });
      case 'DeviceAssigned':
        // The connection it was assigned on is the one that receives the new password.
        return save(db, device, { ...device, tenantId: deviceEvent.data.tenantId, authenticated: device.online, ...stamp });
      case 'DeviceUnassigned':
        return save(db, device, { ...device, tenantId: null, authenticated: false, ...stamp });
      case 'DeviceDetailsSet': {
        // As in the machine: an absent field is kept, null clears it.
        const { name, site, categories } = deviceEvent.data;
        return save(db, device, {
          ...device,
          name: name === undefined ? device.name : name,
          site: site === undefined ? device.site : site,
          adminCategories: categories ?? device.adminCategories,
          ...stamp,
        });
      }
    }
  },
};

// Decoding with the one codec the type names reports its own errors, not every union member's.
function codecOf(event: RecordedEvent): t.Decoder<unknown, DeviceEvent> {
  const codec: t.Decoder<unknown, DeviceEvent> | undefined = DeviceEvent.types.find(
    (member) => member.props.type.value === event.type,
  );
  return codec ?? corrupt(event, 'is not a device event');
}

function save(db: Database, before: DeviceRecord | undefined, device: DeviceRecord): readonly ReadModelChange[] {
  saveDeviceRecord(db, device, before);
  const view = viewOf(device);
  const changed: ReadModelChange = { name: deviceChanged, tenants: view.tenant === null ? [] : [view.tenant], payload: view };
  const left = before === undefined ? null : viewOf(before).tenant;
  if (left === null || left === view.tenant) return [changed];
  const removed: DeviceRemoved = { mac: formatMac(device.mac), tenant: left, removed: true };
  return [{ name: deviceChanged, tenants: [left], payload: removed }, changed];
}

function corrupt(event: RecordedEvent, why: string): never {
  throw new TetherError('corrupt_event', `stored event ${event.stream}@${event.revision} (${event.type}) ${why}`);
}
