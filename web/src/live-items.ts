// What the dashboard has told the console so far: each model's items keyed by id, and the
// position they reflect. Snapshots replace the part of a model they cover (all of it, or the
// tenants they name); changes replace one item, or remove it when it left the viewer's scope.
export type Model = 'tenants' | 'devices' | 'sessions' | 'jobs' | 'relays';
export const models: readonly Model[] = ['tenants', 'devices', 'sessions', 'jobs', 'relays'];

export interface Snapshot {
  readonly model: Model;
  readonly position: number;
  readonly tenants: readonly string[] | null;
  readonly items: readonly unknown[];
  readonly part: number;
}

export interface Change {
  readonly position: number;
  readonly payload: unknown;
}

type Item = Record<string, unknown>;

const isItem = (value: unknown): value is Item => typeof value === 'object' && value !== null;

function keyOf(model: Model, item: Item): string {
  const field = model === 'devices' ? 'mac' : model === 'relays' ? 'name' : 'id';
  return String(item[field]);
}

function tenantsOf(model: Model, item: Item): readonly unknown[] {
  if (model === 'tenants') return [item.id];
  if (model === 'sessions') return [item.tenantId];
  if (model === 'jobs') return Array.isArray(item.tenants) ? item.tenants : [];
  return [item.tenant];
}

/** Whether every tenant of an item is among those a snapshot replaces (an item of no tenant is none's). */
const withinOnly = (tenants: readonly unknown[], scope: readonly string[]): boolean => tenants.length > 0 && tenants.every((tenant) => scope.includes(String(tenant)));

export class LiveItems {
  private readonly items = new Map<Model, Map<string, Item>>(models.map((model) => [model, new Map()]));
  /** Undefined until the first snapshot or change: then a subscription may resume after it. */
  position: number | undefined;

  all<T>(model: Model): readonly T[] {
    return [...(this.items.get(model)?.values() ?? [])] as unknown as readonly T[];
  }

  get<T>(model: Model, key: string): T | undefined {
    return this.items.get(model)?.get(key) as T | undefined;
  }

  applySnapshot(snapshot: Snapshot): void {
    const items = this.items.get(snapshot.model);
    if (items === undefined) return;
    if (snapshot.part === 0) {
      const scope = snapshot.tenants;
      if (scope === null) items.clear();
      // An item stays while any of its tenants is still outside the part replaced (the hub's any-tenant scope).
      else for (const [key, item] of items) if (withinOnly(tenantsOf(snapshot.model, item), scope)) items.delete(key);
    }
    for (const item of snapshot.items) if (isItem(item)) items.set(keyOf(snapshot.model, item), item);
    this.reached(snapshot.position);
  }

  applyChange(model: Model, change: Change): void {
    const items = this.items.get(model);
    // A job's progress carries the job beside the device it concerns.
    const payload = model === 'jobs' && isItem(change.payload) ? change.payload.job : change.payload;
    if (items === undefined || !isItem(payload)) return;
    if (payload.removed === true) items.delete(keyOf(model, payload));
    else items.set(keyOf(model, payload), payload);
    this.reached(change.position);
  }

  reached(position: number): void {
    this.position = Math.max(this.position ?? -1, position);
  }
}
