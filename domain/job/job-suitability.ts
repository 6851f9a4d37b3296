// Which devices a job is for: those of its tenants that carry one of its categories (every
// device of its tenants when it names no category).
import type { DeviceInventory } from '../device/inventory.js';

/** A device as the hub sees it online: the tenant its connection proved, and its last hello. */
export interface OnlineDevice extends DeviceInventory {
  readonly tenantId: string | undefined;
}

export interface JobScope {
  readonly tenants: readonly string[];
  readonly categories: readonly string[];
}

export function inScope(job: JobScope, device: Pick<OnlineDevice, 'tenantId' | 'categories'>): boolean {
  if (device.tenantId === undefined || !job.tenants.includes(device.tenantId)) return false;
  return job.categories.length === 0 || job.categories.some((category) => device.categories.includes(category));
}
