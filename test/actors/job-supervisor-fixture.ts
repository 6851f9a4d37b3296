// Job supervisors over a real runtime on a temp SQLite store (whose appends can be made to
// fail), with devices put online by hand and a channel that records what went out to them.
import type { JobChannel, JobPoolLogger } from '../../actors/job/job-kind.js';
import { OnlineDevices } from '../../actors/device/online-devices.js';
import { parseMac } from '../../domain/device/mac.js';
import type { Mac } from '../../domain/device/mac.js';
import type { TetherError } from '../../domain/errors.js';
import type { HubJobMessage } from '../../domain/gateway/job-messages.js';
import type { JobCommand } from '../../domain/job/job-commands.js';
import type { RecordedEvent } from '../../domain/ports/event-store.js';
import { failingAppends } from '../support/failing-appends.js';
import { RuntimeFixture, storedEvent } from './runtime/runtime-fixture.js';

export const tenant = 'acme';

export const macOf = (index: number): Mac => parseMac(`02${(0x1000 + index).toString(16).padStart(10, '0')}`);

/** A nightly backup of the tenant's devices, as a supervisor's create takes it. */
export const backupJob = (concurrency: number) => ({ name: 'nightly', tenants: [tenant], categories: [], target: { url: 'https://dav.example/b', auth: { type: 'none' as const } }, concurrency });

/** A nightly backup of the tenant's devices, as the command appended through a runtime. */
export const createBackupJob = (jobId: string, concurrency: number, timeoutMs = 60_000): JobCommand => ({
  type: 'CreateBackupJob',
  jobId,
  name: 'nightly',
  tenants: [tenant],
  categories: [],
  target: { url: 'https://dav.example/backups', auth: 'none' },
  concurrency,
  timeoutMs,
});

export interface Sent {
  readonly mac: Mac;
  readonly message: HubJobMessage;
}

/** Records every request; `answer` is called for each one sent while it is set. */
export class RecordingChannel implements JobChannel {
  readonly sent: Sent[] = [];
  answer: ((sent: Sent) => void) | undefined;
  private readonly waiters: { count: number; resolve: () => void }[] = [];

  refusal(): TetherError | undefined {
    return undefined;
  }

  send(mac: Mac, message: HubJobMessage): boolean {
    const sent = { mac, message };
    this.sent.push(sent);
    const { answer } = this;
    if (answer !== undefined) setImmediate(() => answer(sent));
    for (const waiter of this.waiters.filter((w) => this.sent.length >= w.count)) waiter.resolve();
    return true;
  }

  /** Resolves once `count` requests went out in all; fails after timeoutMs. */
  async until(count: number, timeoutMs = 5000): Promise<void> {
    if (this.sent.length >= count) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.sent.length} requests sent, not ${count}, within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}

/** Keeps what was logged; `failures` resolves at each error logged. */
export class RecordingLogger implements JobPoolLogger {
  readonly errors: object[] = [];
  private waiting: (() => void) | undefined;

  info(): void {}
  warn(): void {}
  error(details: object): void {
    this.errors.push(details);
    this.waiting?.();
  }

  nextError(timeoutMs = 5000): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no error logged within ${timeoutMs} ms`)), timeoutMs);
      this.waiting = () => {
        clearTimeout(timer);
        this.waiting = undefined;
        resolve();
      };
    });
  }
}

export class JobSupervisorFixture extends RuntimeFixture {
  readonly failing = failingAppends(this.store);
  readonly online = new OnlineDevices();
  readonly channel = new RecordingChannel();
  readonly logger = new RecordingLogger();
  readonly jobRuntime = this.runtime({ store: this.failing });
  private connections = 0;

  /** What the pools share; resumeGraceMs 0 unless a test says otherwise. */
  common(resumeGraceMs = 0) {
    return { runtime: this.jobRuntime, store: this.failing, clock: this.clock, online: this.online, channel: this.channel, logger: this.logger, resumeGraceMs };
  }

  /** The device says hello in the tenant with this inventory. */
  hello(mac: Mac, inventory: { readonly model?: string; readonly firmware?: string } = {}): void {
    this.connections += 1;
    this.online.live(mac, {
      connectionId: `connection-${this.connections}`,
      tenantId: tenant,
      inventory: { model: inventory.model ?? 'IP232', firmware: inventory.firmware ?? '13r1', apps: [], software: [], categories: [] },
      adminCategories: [],
    });
  }

  async completed(stream: string): Promise<RecordedEvent> {
    return storedEvent(this.store, { streamPrefixes: [stream], eventTypes: ['JobCompleted'] });
  }
}

/** Each device's part of the job's JobDevicesDispatched / JobDevicesSettled events, in order. */
export function deviceRecords(events: readonly RecordedEvent[], type: 'JobDevicesDispatched' | 'JobDevicesSettled'): { readonly mac: string; readonly [field: string]: unknown }[] {
  return events.filter((event) => event.type === type).flatMap((event) => event.data.devices as { mac: string }[]);
}
