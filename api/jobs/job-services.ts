// The job side of a hub node: the devices online here (fed by the device supervisor) and on
// the cluster's other nodes (from the log), the update and backup job supervisors with their
// bids for the kind's scheduler lease (while their jobs need one), restores, and where devices' answers go.
import type { ActorRuntime } from '../../actors/runtime/actor-runtime.js';
import { BackupJobSupervisor } from '../../actors/backup-job/backup-job-supervisor.js';
import { ClusterDevices } from '../../actors/job/cluster-devices.js';
import { SchedulerLease } from '../../actors/job/scheduler-lease.js';
import type { LogReader } from '../../actors/runtime/log-scan.js';
import type { DeviceSupervisor } from '../../actors/device/device-supervisor.js';
import { jobChannelOf } from '../../actors/job/job-channel.js';
import type { JobPoolLogger } from '../../actors/job/job-kind.js';
import { jobResultsTo } from '../../actors/job/job-results.js';
import type { JobResults } from '../../actors/job/job-results.js';
import { OnlineDevices } from '../../actors/device/online-devices.js';
import { RestoreRequests } from '../../actors/restore/restore-requests.js';
import type { SecretSeal } from '../../actors/secrets/secret-seal.js';
import { UpdateJobSupervisor } from '../../actors/update-job/update-job-supervisor.js';
import { backupJobAggregate } from '../../domain/backup-job/aggregate.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { EventStore, Position } from '../../domain/ports/event-store.js';
import { restoreAggregate } from '../../domain/restore/aggregate.js';
import { updateJobAggregate } from '../../domain/update-job/aggregate.js';

export interface JobsConfig {
  /** Devices updating at once in a job; default 20 (the seed's). */
  readonly updateConcurrency?: number;
  /** How long a device has to report an update; default 10 minutes. */
  readonly updateTimeoutMs?: number;
  /** Backups at once in a job; default 20 (the seed's). */
  readonly backupConcurrency?: number;
  readonly backupTimeoutMs?: number;
  /** How long a restore request waits for the device; default 5 minutes. */
  readonly restoreTimeoutMs?: number;
  /** After a start, how long a running job waits for its devices to reconnect before it may complete; default 60 s. */
  readonly resumeGraceMs?: number;
}

export interface JobServices {
  readonly updateJobs: UpdateJobSupervisor;
  readonly backupJobs: BackupJobSupervisor;
  readonly restores: RestoreRequests;
  /** For the gateway: devices' update, backup and restore answers. */
  readonly results: JobResults;
  /** The job categories, for the start-up log scan. */
  readonly categories: readonly string[];
  /** What the start-up log scan must show it: the devices online on other nodes. */
  readonly startupReader: LogReader;
  /**
   * Loads the jobs (their streams in the order they began, per category, as the start-up scan found them up to
   * `scannedTo`) and resumes them; before the gateway accepts devices. What is appended after the scan is followed.
   */
  start(streamsOf: (category: string) => Iterable<string>, scannedTo: Position): Promise<void>;
  /** Before the runtime stops. */
  stop(): Promise<void>;
}

export interface JobServicesOptions {
  readonly runtime: ActorRuntime;
  readonly store: EventStore;
  readonly clock: Clock;
  readonly devices: DeviceSupervisor;
  readonly seal: SecretSeal;
  readonly logger: JobPoolLogger;
  readonly config?: JobsConfig;
  readonly nodeId: string;
  /** How long a scheduler lease lasts unless renewed: the node lease's period. */
  readonly leaseMs: number;
}

export function jobServices({ runtime, store, clock, devices, seal, logger, config = {}, nodeId, leaseMs }: JobServicesOptions): JobServices {
  const online = new OnlineDevices();
  devices.onDeviceLive((mac, device) => online.live(mac, device));
  devices.onConnectionEnded((mac, connectionId) => online.ended(mac, connectionId));
  const channel = jobChannelOf(devices);
  const directory = new ClusterDevices({ runtime, store, nodeId, local: online, logger });
  const common = { runtime, store, clock, online, directory, channel, logger, resumeGraceMs: config.resumeGraceMs ?? 60_000 };
  const lease = (kind: string) => new SchedulerLease({ runtime, clock, nodeId, leaseMs, kind, logger });
  const leases = [lease(updateJobAggregate.category), lease(backupJobAggregate.category)] as const;
  const updateJobs = new UpdateJobSupervisor({
    ...common,
    scheduler: leases[0],
    ...(config.updateConcurrency === undefined ? {} : { concurrency: config.updateConcurrency }),
    ...(config.updateTimeoutMs === undefined ? {} : { timeoutMs: config.updateTimeoutMs }),
  });
  const backupJobs = new BackupJobSupervisor({
    ...common,
    scheduler: leases[1],
    seal,
    ...(config.backupConcurrency === undefined ? {} : { concurrency: config.backupConcurrency }),
    ...(config.backupTimeoutMs === undefined ? {} : { timeoutMs: config.backupTimeoutMs }),
  });
  const restores = new RestoreRequests({ runtime, channel, clock, ...(config.restoreTimeoutMs === undefined ? {} : { timeoutMs: config.restoreTimeoutMs }) });
  return {
    updateJobs,
    backupJobs,
    restores,
    results: jobResultsTo(updateJobs, backupJobs, restores),
    categories: [updateJobAggregate.category, backupJobAggregate.category, restoreAggregate.category],
    startupReader: directory,
    async start(streamsOf, scannedTo) {
      await directory.start();
      // Each pool bids for its kind's scheduler lease once its jobs are loaded, if they need a scheduler.
      await updateJobs.start(streamsOf(updateJobAggregate.category), scannedTo);
      await backupJobs.start(streamsOf(backupJobAggregate.category), scannedTo);
      // A restore whose hub stopped while it waited ends by its deadline.
      await runtime.rearmDeadlines(restoreAggregate, new Set(streamsOf(restoreAggregate.category)));
    },
    async stop() {
      // Each pool lets its lease go as soon as its step in flight is stored: another node takes over at once, and no step of this one lands after.
      await Promise.all([updateJobs.stop(), backupJobs.stop()]);
      await restores.stop();
      await directory.stop();
    },
  };
}
