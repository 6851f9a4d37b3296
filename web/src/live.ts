// The console's one /dashboard connection. It subscribes explicitly to every model, keeps the
// items of each keyed by id, and remembers the position it is up to date with; after a
// dropped socket it subscribes again with `after` that position, so it hears exactly the
// changes it missed (or a fresh snapshot, if the hub no longer keeps them).
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { tokenRefused } from './api.js';
import type { Session } from './session.js';

export type Model = 'tenants' | 'devices' | 'sessions' | 'jobs' | 'relays';
const models: readonly Model[] = ['tenants', 'devices', 'sessions', 'jobs', 'relays'];

interface Change {
  readonly position: number;
  readonly payload: unknown;
}

interface Snapshot {
  readonly model: Model;
  readonly position: number;
  readonly tenants: readonly string[] | null;
  readonly items: readonly unknown[];
  readonly part: number;
}

type Ack = { readonly ok: true; readonly position: number; readonly resumed: boolean } | { readonly ok: false; readonly error: { readonly message: string } };

type Item = Record<string, unknown>;

export type LiveStatus = 'connecting' | 'live' | 'offline' | 'refused';

const changeEvents: Readonly<Record<string, Model>> = {
  'tenant.changed': 'tenants',
  'device.changed': 'devices',
  'session.changed': 'sessions',
  'job.progress': 'jobs',
  'relay.changed': 'relays',
};

const isItem = (value: unknown): value is Item => typeof value === 'object' && value !== null;

/** The key of an item of a model, and the tenants it belongs to (for snapshots scoped to tenants). */
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

export class LiveModels {
  private readonly socket: Socket;
  private readonly items = new Map<Model, Map<string, Item>>(models.map((model) => [model, new Map()]));
  private readonly listeners = new Set<() => void>();
  private position: number | undefined;
  private scheduled = false;
  status: LiveStatus = 'connecting';
  /** Bumped on every applied change: views compare it to know when to read again. */
  version = 0;

  constructor(session: Session) {
    this.socket = io('/dashboard', {
      auth: { token: session.token },
      transports: ['websocket'],
      reconnectionDelay: 300,
      reconnectionDelayMax: 2000,
    });
    this.socket.on('connect', () => this.subscribe());
    this.socket.on('disconnect', () => this.setStatus('offline'));
    this.socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
      // A refused token does not get better by retrying: the console signs out.
      if (error.data?.code === 'unauthenticated') {
        this.socket.close();
        tokenRefused.dispatchEvent(new Event('refused'));
      }
      this.setStatus('offline');
    });
    this.socket.on('snapshot', (snapshot: Snapshot) => this.applySnapshot(snapshot));
    for (const [event, model] of Object.entries(changeEvents)) {
      this.socket.on(event, (change: Change) => this.applyChange(model, change));
    }
  }

  all<T>(model: Model): readonly T[] {
    return [...(this.items.get(model)?.values() ?? [])] as unknown as readonly T[];
  }

  get<T>(model: Model, key: string): T | undefined {
    return this.items.get(model)?.get(key) as T | undefined;
  }

  /** Calls back at most once per frame after changes. */
  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.socket.close();
    this.listeners.clear();
  }

  private subscribe(): void {
    this.setStatus('connecting');
    const request = { models, ...(this.position === undefined ? {} : { after: this.position }) };
    this.socket.emit('subscribe', request, (ack: Ack) => {
      if (!ack.ok) return this.setStatus('refused');
      this.position = Math.max(this.position ?? -1, ack.position);
      this.setStatus('live');
    });
  }

  private applySnapshot(snapshot: Snapshot): void {
    const items = this.items.get(snapshot.model);
    if (items === undefined) return;
    if (snapshot.part === 0) {
      const scope = snapshot.tenants;
      if (scope === null) items.clear();
      else for (const [key, item] of items) if (tenantsOf(snapshot.model, item).some((tenant) => scope.includes(String(tenant)))) items.delete(key);
    }
    for (const item of snapshot.items) if (isItem(item)) items.set(keyOf(snapshot.model, item), item);
    this.position = Math.max(this.position ?? -1, snapshot.position);
    this.changed();
  }

  private applyChange(model: Model, change: Change): void {
    const items = this.items.get(model);
    // A job's progress carries the job beside the device it concerns.
    const payload = model === 'jobs' && isItem(change.payload) ? change.payload.job : change.payload;
    if (items === undefined || !isItem(payload)) return;
    if (payload.removed === true) items.delete(keyOf(model, payload));
    else items.set(keyOf(model, payload), payload);
    this.position = Math.max(this.position ?? -1, change.position);
    this.changed();
  }

  private setStatus(status: LiveStatus): void {
    this.status = status;
    this.changed();
  }

  private changed(): void {
    this.version += 1;
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      for (const listener of this.listeners) listener();
    });
  }
}
