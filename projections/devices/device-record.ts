// One device row as the projection keeps it, with the fields the public view leaves out.
import { categoriesOf } from '../../domain/device/details.js';
import type { InstalledApp } from '../../domain/device/inventory.js';
import { listedTenantOf, listStateOf } from '../../domain/device/listing.js';
import { preparedOnce } from '../prepared-once.js';
import type { Database } from '../projection.js';
import type { DeviceListState, DeviceView } from './device-view.js';
import { formatMac } from '../../domain/device/mac.js';

export interface DeviceRecord {
  readonly mac: string;
  /** The assignment, kept while a connection without the password is online. */
  readonly tenantId: string | null;
  readonly online: boolean;
  readonly authenticated: boolean;
  readonly connectionId: string | null;
  readonly ip: string | null;
  readonly lastSeen: string | null;
  readonly connectedSince: string | null;
  readonly model: string;
  readonly firmware: string;
  readonly apps: readonly InstalledApp[];
  readonly software: readonly InstalledApp[];
  readonly categories: readonly string[];
  readonly name: string | null;
  readonly site: string | null;
  readonly adminCategories: readonly string[];
  readonly registeredAt: string;
  readonly updatedAt: string;
  readonly position: number;
}

export interface DeviceRow {
  readonly mac: string;
  readonly tenantId: string | null;
  readonly listedTenantId: string | null;
  readonly state: DeviceListState;
  readonly online: number;
  readonly authenticated: number;
  readonly connectionId: string | null;
  readonly ip: string | null;
  readonly lastSeen: string | null;
  readonly connectedSince: string | null;
  readonly model: string;
  readonly firmware: string;
  readonly apps: string;
  readonly software: string;
  readonly categories: string;
  readonly name: string | null;
  readonly site: string | null;
  readonly adminCategories: string;
  readonly registeredAt: string;
  readonly updatedAt: string;
  readonly position: number;
}

export const selectDeviceRow = `
  SELECT d.mac, d.tenant_id AS tenantId, d.listed_tenant_id AS listedTenantId, d.state, d.online, d.authenticated,
    d.connection_id AS connectionId, d.ip, d.last_seen AS lastSeen, d.connected_since AS connectedSince,
    d.model, d.firmware, d.apps, d.software, d.categories, d.name, d.site,
    d.admin_categories AS adminCategories, d.registered_at AS registeredAt, d.updated_at AS updatedAt, d.position
  FROM devices d`;

export const recordOf = (row: DeviceRow): DeviceRecord => ({
  mac: row.mac,
  tenantId: row.tenantId,
  online: row.online === 1,
  authenticated: row.authenticated === 1,
  connectionId: row.connectionId,
  ip: row.ip,
  lastSeen: row.lastSeen,
  connectedSince: row.connectedSince,
  model: row.model,
  firmware: row.firmware,
  apps: JSON.parse(row.apps) as InstalledApp[],
  software: JSON.parse(row.software) as InstalledApp[],
  categories: JSON.parse(row.categories) as string[],
  name: row.name,
  site: row.site,
  adminCategories: JSON.parse(row.adminCategories) as string[],
  registeredAt: row.registeredAt,
  updatedAt: row.updatedAt,
  position: row.position,
});

export function viewOf(record: DeviceRecord): DeviceView {
  return {
    mac: formatMac(record.mac),
    tenant: listedTenantOf(record),
    state: listStateOf(record),
    online: record.online,
    ip: record.ip,
    lastSeen: record.lastSeen,
    connectedSince: record.connectedSince,
    model: record.model,
    firmware: record.firmware,
    apps: record.apps,
    software: record.software,
    categories: record.categories,
    name: record.name,
    site: record.site,
    adminCategories: record.adminCategories,
    registeredAt: record.registeredAt,
    updatedAt: record.updatedAt,
  };
}

const statementsOf = preparedOnce((db) => ({
  select: db.prepare<[string], DeviceRow>(`${selectDeviceRow} WHERE d.mac = ?`),
  exists: db.prepare<[string], number>('SELECT 1 FROM devices WHERE mac = ?').pluck(),
  insert: db.prepare(
    `INSERT INTO devices (mac, tenant_id, listed_tenant_id, state, online, authenticated, connection_id, ip, last_seen,
       connected_since, model, firmware, apps, software, categories, name, site, admin_categories, registered_at, updated_at, position)
     VALUES (:mac, :tenantId, :listedTenantId, :state, :online, :authenticated, :connectionId, :ip, :lastSeen,
       :connectedSince, :model, :firmware, :apps, :software, :categories, :name, :site, :adminCategories, :registeredAt, :updatedAt, :position)`,
  ),
  // An update, not an upsert: the row is known to exist, and the insert an upsert tries first costs a search.
  update: db.prepare(
    `UPDATE devices SET tenant_id = :tenantId, listed_tenant_id = :listedTenantId, state = :state, online = :online,
       authenticated = :authenticated, connection_id = :connectionId, ip = :ip, last_seen = :lastSeen,
       connected_since = :connectedSince, model = :model, firmware = :firmware, apps = :apps, software = :software,
       categories = :categories, name = :name, site = :site, admin_categories = :adminCategories, updated_at = :updatedAt, position = :position
     WHERE mac = :mac`,
  ),
  deleteCategories: db.prepare<[string]>('DELETE FROM device_categories WHERE mac = ?'),
  insertCategory: db.prepare<[string, string]>('INSERT OR IGNORE INTO device_categories (mac, category) VALUES (?, ?)'),
}));

export function loadDeviceRecord(db: Database, mac: string): DeviceRecord | undefined {
  const row = statementsOf(db).select.get(mac);
  return row === undefined ? undefined : recordOf(row);
}

/** Whether the device has a row, without reading it. */
export const hasDeviceRecord = (db: Database, mac: string): boolean => statementsOf(db).exists.get(mac) !== undefined;

const sameCategories = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((category, i) => category === b[i]);

/** `before`: the record as stored, if any; rows it shares with `record` are left as they are. */
export function saveDeviceRecord(db: Database, record: DeviceRecord, before?: DeviceRecord): void {
  const view = viewOf(record);
  const statements = statementsOf(db);
  (before === undefined ? statements.insert : statements.update).run({
    mac: record.mac,
    tenantId: record.tenantId,
    listedTenantId: view.tenant,
    state: view.state,
    online: record.online ? 1 : 0,
    authenticated: record.authenticated ? 1 : 0,
    connectionId: record.connectionId,
    ip: record.ip,
    lastSeen: record.lastSeen,
    connectedSince: record.connectedSince,
    model: record.model,
    firmware: record.firmware,
    apps: JSON.stringify(record.apps),
    software: JSON.stringify(record.software),
    categories: JSON.stringify(record.categories),
    name: record.name,
    site: record.site,
    adminCategories: JSON.stringify(record.adminCategories),
    registeredAt: record.registeredAt,
    updatedAt: record.updatedAt,
    position: record.position,
  });
  // Most changes (a connection, its end) keep the categories: rewriting their rows would dirty
  // three more pages per event, and pages written are what a read-model commit costs.
  if (before !== undefined && sameCategories(before.categories, record.categories) && sameCategories(before.adminCategories, record.adminCategories)) return;
  statements.deleteCategories.run(record.mac);
  // The category filter finds a device by what it reports and by what an admin set.
  for (const category of categoriesOf(record)) statements.insertCategory.run(record.mac, category);
}
