// Which devices a job is for: those of its tenants that carry one of its categories, reported
// by the device or set by an admin (every device of its tenants when it names no category).
import { categoriesOf } from '../device/details.js';
import type { DeviceInventory } from '../device/inventory.js';

/** A device as the hub sees it online: the tenant its connection proved, its last hello, and the categories an admin set. */
export interface OnlineDevice extends DeviceInventory {
  readonly tenantId: string | undefined;
  readonly adminCategories: readonly string[];
}

export interface JobScope {
  readonly tenants: readonly string[];
  readonly categories: readonly string[];
}

export function inScope(job: JobScope, device: Pick<OnlineDevice, 'tenantId' | 'categories' | 'adminCategories'>): boolean {
  if (device.tenantId === undefined || !job.tenants.includes(device.tenantId)) return false;
  const categories = categoriesOf(device);
  return job.categories.length === 0 || job.categories.some((category) => categories.includes(category));
}
