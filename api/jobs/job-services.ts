// The job side of a hub node: the devices online here (fed by the device supervisor), the
// update and backup job supervisors, restores, and where devices' answers go.
import type { ActorRuntime } from '../../actors/runtime/actor-runtime.js';
import { BackupJobSupervisor } from '../../actors/backup-job/backup-job-supervisor.js';
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
import type { EventStore } from '../../domain/ports/event-store.js';
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
  /** Loads the jobs (their streams in the order they began, per category) and resumes them; before the gateway accepts devices. */
  start(streamsOf: (category: string) => Iterable<string>): Promise<void>;
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
}

export function jobServices({ runtime, store, clock, devices, seal, logger, config = {} }: JobServicesOptions): JobServices {
  const online = new OnlineDevices();
  devices.onDeviceLive((mac, device) => online.live(mac, device));
  devices.onConnectionEnded((mac, connectionId) => online.ended(mac, connectionId));
  const channel = jobChannelOf(devices);
  const common = { runtime, store, clock, online, channel, logger, resumeGraceMs: config.resumeGraceMs ?? 60_000 };
  const updateJobs = new UpdateJobSupervisor({
    ...common,
    ...(config.updateConcurrency === undefined ? {} : { concurrency: config.updateConcurrency }),
    ...(config.updateTimeoutMs === undefined ? {} : { timeoutMs: config.updateTimeoutMs }),
  });
  const backupJobs = new BackupJobSupervisor({
    ...common,
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
    async start(streamsOf) {
      await updateJobs.start(streamsOf(updateJobAggregate.category));
      await backupJobs.start(streamsOf(backupJobAggregate.category));
      // A restore whose hub stopped while it waited ends by its deadline.
      await runtime.rearmDeadlines(restoreAggregate, new Set(streamsOf(restoreAggregate.category)));
    },
    async stop() {
      await restores.stop();
      await updateJobs.stop();
      await backupJobs.stop();
    },
  };
}
