// Update jobs on this node (streams updatejob-<uuid>): the catalog gives each job its binaries
// when it is created; the pool (job-pool.ts) runs it under the seed's rules.
import type { Position } from '../../domain/ports/event-store.js';
import { randomUUID } from 'node:crypto';
import type { Mac } from '../../domain/device/mac.js';
import { TetherError } from '../../domain/errors.js';
import type { UpdateResult, UpdateTarget } from '../../domain/gateway/job-messages.js';
import type { JobCommand, JobLifecycleCommand } from '../../domain/job/job-commands.js';
import type { JobSnapshot } from '../../domain/job/job-decide.js';
import type { JobContext } from '../../domain/job/job-machine.js';
import type { OnlineDevice } from '../../domain/job/job-suitability.js';
import { updateJobAggregate } from '../../domain/update-job/aggregate.js';
import { catalogOf, mustResolveArtifacts } from '../../domain/update-job/resolve-artifacts.js';
import { artifactFor, currentVersion, differsFromTarget, suitsUpdate } from '../../domain/update-job/update-eligibility.js';
import type { UpdateSpec } from '../../domain/update-job/update-spec.js';
import { currentCatalog } from '../catalog/catalog-files.js';
import type { CommandContext } from '../../domain/command-context.js';
import { JobPool } from '../job/job-pool.js';
import type { JobKind, JobPoolOptions } from '../job/job-kind.js';

export interface NewUpdateJob {
  readonly name: string;
  readonly tenants: readonly string[];
  readonly categories: readonly string[];
  readonly target: UpdateTarget;
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  readonly errorThreshold?: { readonly percent: number; readonly minSettled?: number };
}

export interface UpdateJobSupervisorOptions extends Omit<JobPoolOptions, 'kind'> {
  /** Devices in flight per job unless the job says otherwise; default 20 (the seed's). */
  readonly concurrency?: number;
  /** How long a device has to report back unless the job says otherwise; default 10 minutes. */
  readonly timeoutMs?: number;
}

const specOf = (job: JobContext): UpdateSpec | undefined => (job.spec.kind === 'update' ? job.spec : undefined);

export const updateJobKind: JobKind = {
  aggregate: updateJobAggregate,
  suits: (job, device) => {
    const spec = specOf(job);
    return spec !== undefined && suitsUpdate({ ...job, spec }, device);
  },
  needs: (job, device) => {
    const spec = specOf(job);
    return spec !== undefined && differsFromTarget(spec, device);
  },
  confirms: (job, device) => {
    const spec = specOf(job);
    if (spec === undefined) return undefined;
    const version = currentVersion(device, spec.target);
    return version === spec.target.version ? { version } : undefined;
  },
  helloTrigger: 'hello',
  onlineCheck: true,
  dispatchDetails: (job, device) => {
    const spec = specOf(job);
    const fromVersion = spec === undefined ? undefined : currentVersion(device, spec.target);
    return fromVersion === undefined ? {} : { fromVersion };
  },
  message: (job, device: OnlineDevice) => {
    const spec = specOf(job);
    const artifact = spec === undefined ? undefined : artifactFor(spec, device);
    if (spec === undefined || artifact === undefined) throw new TetherError('internal', `update job ${job.jobId} has no binary for model ${device.model}`);
    return { type: 'update', jobId: job.jobId, target: spec.target, url: artifact.url, ...(artifact.sha256 === undefined ? {} : { sha256: artifact.sha256 }) };
  },
};

export class UpdateJobSupervisor {
  private readonly pool: JobPool;
  private readonly concurrency: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: UpdateJobSupervisorOptions) {
    this.pool = new JobPool({ ...options, kind: updateJobKind });
    this.concurrency = options.concurrency ?? 20;
    this.timeoutMs = options.timeoutMs ?? 600_000;
  }

  /** Loads the jobs and resumes the one running; call before the gateway accepts devices. */
  start(streams?: Iterable<string>, scannedTo?: Position): Promise<number> {
    return this.pool.start(streams, scannedTo);
  }

  /** Throws validation_failed when the target is not in the current catalog. */
  async create(job: NewUpdateJob, context: CommandContext): Promise<{ readonly jobId: string; readonly state: JobSnapshot; readonly position?: number }> {
    const jobId = randomUUID();
    const current = await currentCatalog(this.options.runtime, catalogOf(job.target));
    const command: JobCommand = {
      type: 'CreateUpdateJob',
      jobId,
      name: job.name,
      tenants: job.tenants,
      categories: job.categories,
      target: job.target,
      artifacts: mustResolveArtifacts(job.target, current === undefined ? {} : { current }),
      concurrency: job.concurrency ?? this.concurrency,
      timeoutMs: job.timeoutMs ?? this.timeoutMs,
      ...(job.errorThreshold === undefined ? {} : { errorThreshold: job.errorThreshold }),
    };
    const created = await this.pool.create(jobId, command, context);
    return { jobId, ...created };
  }

  command(jobId: string, command: JobLifecycleCommand, context: CommandContext): Promise<{ readonly state: JobSnapshot; readonly position?: number }> {
    return this.pool.command(jobId, command, context);
  }

  result(mac: Mac, message: UpdateResult): void {
    this.pool.result(mac, message.jobId, message.ok ? { ok: true } : { ok: false, error: message.error ?? 'the device reported a failure without a reason' });
  }

  stop(): Promise<void> {
    return this.pool.stop();
  }
}
