// Pure reads on the device read model, for the query API and the dashboards.
import type { Database } from '../projection.js';
import { loadDeviceRecord, recordOf, selectDeviceRow, viewOf } from './device-record.js';
import type { DeviceRow } from './device-record.js';
import type { DeviceListState, DeviceView } from './device-view.js';

export interface ListDevicesOptions {
  /** Tenant ids the caller may see; undefined: all, unassigned devices included (admins). */
  readonly visibleTo?: readonly string[];
  /** The tenant the list shows the device in (never matches an unassigned one). */
  readonly tenant?: string;
  readonly state?: DeviceListState;
  /** Reported by the device or set by an admin. */
  readonly category?: string;
  readonly site?: string;
  readonly model?: string;
  readonly firmware?: string;
  /** Substring of the MAC (in any spelling), the model, the firmware, the name or the site. */
  readonly q?: string;
  /** Cursor: the canonical MAC of the last device of the previous page. */
  readonly after?: string;
  readonly limit: number;
}

const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);
const macFragment = (q: string): string => q.replace(/[\s:.-]/g, '').toLowerCase();

/** Ordered by MAC. */
export function listDevices(db: Database, options: ListDevicesOptions): DeviceView[] {
  if (options.limit <= 0) return [];
  const { q } = options;
  const rows = db
    .prepare<Record<string, string | number | null>, DeviceRow>(
      `${selectDeviceRow}
       WHERE (:after IS NULL OR d.mac > :after)
         AND (:visible IS NULL OR d.listed_tenant_id IN (SELECT value FROM json_each(:visible)))
         AND (:tenant IS NULL OR d.listed_tenant_id = :tenant)
         AND (:state IS NULL OR d.state = :state)
         AND (:category IS NULL OR EXISTS
               (SELECT 1 FROM device_categories c WHERE c.mac = d.mac AND c.category = :category))
         AND (:site IS NULL OR d.site = :site)
         AND (:model IS NULL OR d.model = :model)
         AND (:firmware IS NULL OR d.firmware = :firmware)
         AND (:text IS NULL
               OR (:macText <> '%%' AND d.mac LIKE :macText ESCAPE '\\')
               OR d.model LIKE :text ESCAPE '\\'
               OR d.firmware LIKE :text ESCAPE '\\'
               OR d.name LIKE :text ESCAPE '\\'
               OR d.site LIKE :text ESCAPE '\\')
       ORDER BY d.mac LIMIT :limit`,
    )
    .all({
      after: options.after ?? null,
      visible: options.visibleTo === undefined ? null : JSON.stringify(options.visibleTo),
      tenant: options.tenant ?? null,
      state: options.state ?? null,
      category: options.category ?? null,
      site: options.site ?? null,
      model: options.model ?? null,
      firmware: options.firmware ?? null,
      text: q === undefined ? null : `%${escapeLike(q)}%`,
      macText: q === undefined ? null : `%${escapeLike(macFragment(q))}%`,
      limit: options.limit,
    });
  return rows.map((row) => viewOf(recordOf(row)));
}

export function getDevice(db: Database, mac: string): DeviceView | undefined {
  const record = loadDeviceRecord(db, mac);
  return record === undefined ? undefined : viewOf(record);
}
