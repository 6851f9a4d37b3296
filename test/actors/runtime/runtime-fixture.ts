// A real SQLite store in a temp dir, runtimes over it, and waiting on stored events.
import { isLeft } from 'fp-ts/lib/Either.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ActorRuntime } from '../../../actors/runtime/actor-runtime.js';
import type { RuntimeOptions } from '../../../actors/runtime/runtime-options.js';
import type { CommandContext } from '../../../domain/command-context.js';
import type { EventFilter, RecordedEvent } from '../../../domain/ports/event-store.js';
import type { TenantCommand } from '../../../domain/tenant/commands.js';
import { TenantId } from '../../../domain/tenant/tenant-id.js';
import { SqliteEventStore } from '../../../store/sqlite-event-store.js';
import { ManualClock } from '../../support/manual-clock.js';

export const admin: CommandContext = { principal: { id: 'admin-1', role: 'admin' } };

export class RuntimeFixture {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tether-runtime-'));
  readonly file = path.join(this.dir, 'events.sqlite');
  readonly clock = new ManualClock();
  private readonly stores: SqliteEventStore[] = [];
  private readonly runtimes: ActorRuntime[] = [];
  readonly store = this.openStore();

  /** Another connection to the same file: what a second hub process would open. */
  openStore(): SqliteEventStore {
    const store = SqliteEventStore.open({ file: this.file });
    this.stores.push(store);
    return store;
  }

  runtime(options: Partial<RuntimeOptions> = {}): ActorRuntime {
    const runtime = new ActorRuntime({ store: this.store, clock: this.clock, ...options });
    this.runtimes.push(runtime);
    return runtime;
  }

  async stream(stream: string): Promise<RecordedEvent[]> {
    return this.store.readStream(stream);
  }

  async close(): Promise<void> {
    await Promise.all(this.runtimes.map((runtime) => runtime.stop()));
    await Promise.all(this.stores.map((store) => store.close()));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The first stored event that matches, waiting for it to be appended; fails after timeoutMs. */
export async function storedEvent(store: SqliteEventStore, filter: EventFilter, timeoutMs = 5000): Promise<RecordedEvent> {
  const subscription = store.subscribeToAll({ filter });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void subscription.close();
  }, timeoutMs);
  try {
    for await (const event of subscription) return event;
    throw new Error(timedOut ? `no event matching ${JSON.stringify(filter)} within ${timeoutMs} ms` : 'subscription ended');
  } finally {
    clearTimeout(timer);
    await subscription.close();
  }
}

export function tenantId(raw: string): TenantId {
  const decoded = TenantId.decode(raw);
  if (isLeft(decoded)) throw new Error(`bad tenant id in test: ${raw}`);
  return decoded.right;
}

export const createTenant = (id: string): TenantCommand => ({
  type: 'CreateTenant',
  tenantId: tenantId(id),
  name: id.toUpperCase(),
  passwordHash: `scrypt$${id}`,
});

export const grant = (id: string): TenantCommand => ({ type: 'GrantTenantAccess', grantedTenantId: tenantId(id) });
export const revoke = (id: string): TenantCommand => ({ type: 'RevokeTenantAccess', grantedTenantId: tenantId(id) });
