// What the job pool is given: what differs between update and backup jobs, where requests go
// out, and the services it runs on.
import type { Aggregate } from '../../domain/aggregate.js';
import type { Mac } from '../../domain/device/mac.js';
import type { TetherError } from '../../domain/errors.js';
import type { HubJobMessage } from '../../domain/gateway/job-messages.js';
import type { DeviceToDispatch, JobCommand } from '../../domain/job/job-commands.js';
import type { JobContext, JobMachine } from '../../domain/job/job-machine.js';
import type { InFlight, Trigger } from '../../domain/job/job-progress.js';
import type { OnlineDevice } from '../../domain/job/job-suitability.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { EventStore } from '../../domain/ports/event-store.js';
import type { ActorRuntime } from '../runtime/actor-runtime.js';
import type { OnlineDevices, OnlineEntry } from '../device/online-devices.js';
import type { DeviceDirectory } from './cluster-devices.js';

/** Sends to a device's live connection on this node; false when it has none that proved the device password. */
export interface JobChannel {
  /** Why nothing may be sent to the device now (device_offline, device_unauthenticated); undefined when it may. */
  refusal(mac: Mac): TetherError | undefined;
  send(mac: Mac, message: HubJobMessage): boolean;
}

export interface JobPoolLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** What differs between update and backup jobs. */
export interface JobKind {
  readonly aggregate: Aggregate<JobMachine, JobCommand>;
  /** The job is for this device (tenants, categories, what it runs), whatever it has done. */
  suits(job: JobContext, device: OnlineDevice): boolean;
  /** The device needs the job now (an update: its version differs from the target). */
  needs(job: JobContext, device: OnlineDevice): boolean;
  /** The hello proves the attempt succeeded (an update: the device reports the target version). */
  confirms(job: JobContext, device: OnlineDevice): { readonly version?: string } | undefined;
  /** How a hello asks for the device: `hello` lets it be tried again in the job (the seed's update check). */
  readonly helloTrigger: Trigger;
  /** A hello looks for the newest suitable job, finished ones included (updates). */
  readonly onlineCheck: boolean;
  /** What the dispatch event records beside the attempt. */
  dispatchDetails(job: JobContext, device: OnlineEntry, now: Date): Pick<DeviceToDispatch, 'fromVersion' | 'location'>;
  /** The request for an attempt in flight. */
  message(job: JobContext, device: OnlineDevice, flight: InFlight): HubJobMessage;
}

export interface JobPoolOptions {
  readonly kind: JobKind;
  readonly runtime: ActorRuntime;
  readonly store: EventStore;
  readonly clock: Clock;
  readonly online: OnlineDevices;
  readonly channel: JobChannel;
  readonly logger: JobPoolLogger;
  /** After a start, how long a running job waits for its devices to come back before it may complete. */
  readonly resumeGraceMs: number;
  /** The devices the scheduler may dispatch to, on every node of the cluster; default: those online here. */
  readonly directory?: DeviceDirectory;
  /** Whether this node schedules the kind's jobs (starts, dispatches, completes them); default: always. */
  readonly scheduler?: SchedulerRole;
}

/** This node came to hold the scheduler lease. */
export interface LeaseTaken {
  /** Position of the event that took it: the node schedules once its view of the jobs got that far. */
  readonly position: number;
  /** Another node held it last, whether it stopped or was lost: the devices that node held may still be coming back. */
  readonly fromOther: boolean;
}

/** This node's part in scheduling a job kind across the cluster (scheduler-lease.ts). */
export interface SchedulerRole {
  readonly held: boolean;
  onTaken(listener: (taken: LeaseTaken) => void): void;
  /** Whether this node's jobs need a scheduler: while they do it bids for the lease; once they do not, it lets the lease go. */
  want(wanted: boolean): void;
  /** Stops bidding and lets the lease go; the pool calls it between steps, so that none is stored after another node took over. */
  stop(): Promise<void>;
}
