// What the device list shows: the live devices filtered, searched and sorted, one page of them.
import type { Device, DeviceState } from '../models.js';

export interface DeviceFilters {
  readonly tenant: string;
  readonly state: DeviceState | '';
  readonly category: string;
  readonly site: string;
  readonly model: string;
  readonly firmware: string;
  readonly q: string;
}

export type SortKey = 'mac' | 'name' | 'site' | 'tenant' | 'state' | 'model' | 'firmware' | 'lastSeen';

export interface DeviceOrder {
  readonly key: SortKey;
  readonly descending: boolean;
}

export const noFilters: DeviceFilters = { tenant: '', state: '', category: '', site: '', model: '', firmware: '', q: '' };

const contains = (value: string, wanted: string): boolean => wanted === '' || value.toLowerCase().includes(wanted.toLowerCase());

function matches(device: Device, filters: DeviceFilters): boolean {
  const q = filters.q.toLowerCase();
  // A MAC is found in any spelling; other fields as they are written.
  const macQuery = q.replace(/[:-]/g, '');
  const mac = device.mac.replace(/:/g, '').toLowerCase();
  return (
    (filters.tenant === '' || device.tenant === filters.tenant) &&
    (filters.state === '' || device.state === filters.state) &&
    (filters.category === '' || [...device.categories, ...device.adminCategories].some((category) => contains(category, filters.category))) &&
    (filters.site === '' || device.site === filters.site) &&
    contains(device.model, filters.model) &&
    contains(device.firmware, filters.firmware) &&
    (q === '' || (macQuery !== '' && mac.includes(macQuery)) || [device.model, device.firmware, device.ip ?? '', device.tenant ?? '', device.name ?? '', device.site ?? ''].some((field) => field.toLowerCase().includes(q)))
  );
}

export function selectDevices(devices: readonly Device[], filters: DeviceFilters, order: DeviceOrder): Device[] {
  const sign = order.descending ? -1 : 1;
  const value = (device: Device): string => device[order.key] ?? '';
  return devices
    .filter((device) => matches(device, filters))
    .sort((a, b) => (value(a) === value(b) ? (a.mac < b.mac ? -1 : 1) : sign * (value(a) < value(b) ? -1 : 1)));
}

/** The sites the devices stand at, each once, for the site filter. */
export const sitesOf = (devices: readonly Device[]): string[] =>
  [...new Set(devices.map((device) => device.site).filter((site): site is string => site !== null))].sort();

/** The API's form `00:11:22:AA:BB:CC`, from any spelling (a MAC typed into the address bar). */
export const formatMac = (mac: string): string => mac.replace(/[:-]/g, '').toUpperCase().match(/../g)?.join(':') ?? mac;

/** The event stream of a device: its MAC as 12 lower-case hex digits. */
export const deviceStream = (mac: string): string => `device-${mac.replace(/[:-]/g, '').toLowerCase()}`;
