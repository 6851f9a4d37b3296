// Backup jobs on this node (streams backupjob-<uuid>): each device PUTs its configuration to
// <target>/<tenant>/<mac>/<timestamp> itself. The target's password is sealed before it enters
// an event and unsealed only to go out in a request.
import type { Position } from '../../domain/ports/event-store.js';
import { randomUUID } from 'node:crypto';
import { backupJobAggregate } from '../../domain/backup-job/aggregate.js';
import { backupLocation } from '../../domain/backup-job/backup-location.js';
import type { BackupSpec } from '../../domain/backup-job/backup-spec.js';
import type { Mac } from '../../domain/device/mac.js';
import { TetherError } from '../../domain/errors.js';
import type { BackupResult, WebdavAuth } from '../../domain/gateway/job-messages.js';
import type { JobCommand, JobLifecycleCommand } from '../../domain/job/job-commands.js';
import type { JobSnapshot } from '../../domain/job/job-decide.js';
import type { JobContext } from '../../domain/job/job-machine.js';
import { inScope } from '../../domain/job/job-suitability.js';
import { streamOf } from '../../domain/stream-name.js';
import type { CommandContext } from '../../domain/command-context.js';
import { JobPool } from '../job/job-pool.js';
import type { JobKind, JobPoolOptions } from '../job/job-kind.js';
import type { SecretSeal } from '../secrets/secret-seal.js';

export interface NewBackupJob {
  readonly name: string;
  readonly tenants: readonly string[];
  readonly categories: readonly string[];
  readonly target: { readonly url: string; readonly auth: WebdavAuth };
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  readonly errorThreshold?: { readonly percent: number; readonly minSettled?: number };
}

export interface BackupJobSupervisorOptions extends Omit<JobPoolOptions, 'kind'> {
  readonly seal: SecretSeal;
  /** Backups in flight per job unless the job says otherwise; default 20 (the seed's). */
  readonly concurrency?: number;
  /** Default 10 minutes. */
  readonly timeoutMs?: number;
}

const specOf = (job: JobContext): BackupSpec | undefined => (job.spec.kind === 'backup' ? job.spec : undefined);

/** The seal's context: a sealed password copied into another job does not open. */
const sealContext = (jobId: string): string => streamOf(backupJobAggregate.category, jobId);

function backupKind(seal: SecretSeal): JobKind {
  const authOf = (job: JobContext, spec: BackupSpec): WebdavAuth => {
    const { auth, username } = spec.target;
    if (auth === 'none') return { type: 'none' };
    if (username === undefined || spec.sealedPassword === undefined) throw new TetherError('invalid_configuration', `backup job ${job.jobId} lacks its credentials`);
    return { type: auth, username, password: seal.unseal(spec.sealedPassword, sealContext(job.jobId)) };
  };
  return {
    aggregate: backupJobAggregate,
    suits: (job, device) => specOf(job) !== undefined && inScope(job, device),
    needs: () => true,
    confirms: () => undefined,
    helloTrigger: 'run',
    onlineCheck: false,
    dispatchDetails: (job, device, now) => {
      const spec = specOf(job);
      return spec === undefined || device.tenantId === undefined ? {} : { location: backupLocation(spec.target.url, device.tenantId, device.mac, now) };
    },
    message: (job, _device, flight) => {
      const spec = specOf(job);
      if (spec === undefined || flight.location === undefined) throw new TetherError('internal', `backup job ${job.jobId} has no location for this attempt`);
      return { type: 'backup', jobId: job.jobId, url: flight.location, auth: authOf(job, spec) };
    },
  };
}

export class BackupJobSupervisor {
  private readonly pool: JobPool;

  constructor(private readonly options: BackupJobSupervisorOptions) {
    this.pool = new JobPool({ ...options, kind: backupKind(options.seal) });
  }

  start(streams?: Iterable<string>, scannedTo?: Position): Promise<number> {
    return this.pool.start(streams, scannedTo);
  }

  async create(job: NewBackupJob, context: CommandContext): Promise<{ readonly jobId: string; readonly state: JobSnapshot; readonly position?: number }> {
    const jobId = randomUUID();
    const { url, auth } = job.target;
    // The stored target keeps its own shape: the auth type and username, the password sealed apart.
    const target = auth.type === 'none' ? { url, auth: auth.type } : { url, auth: auth.type, username: auth.username };
    const command: JobCommand = {
      type: 'CreateBackupJob',
      jobId,
      name: job.name,
      tenants: job.tenants,
      categories: job.categories,
      target,
      ...(auth.type === 'none' ? {} : { sealedPassword: this.options.seal.seal(auth.password, sealContext(jobId)) }),
      concurrency: job.concurrency ?? this.options.concurrency ?? 20,
      timeoutMs: job.timeoutMs ?? this.options.timeoutMs ?? 600_000,
      ...(job.errorThreshold === undefined ? {} : { errorThreshold: job.errorThreshold }),
    };
    const created = await this.pool.create(jobId, command, context);
    return { jobId, ...created };
  }

  command(jobId: string, command: JobLifecycleCommand, context: CommandContext): Promise<{ readonly state: JobSnapshot; readonly position?: number }> {
    return this.pool.command(jobId, command, context);
  }

  result(mac: Mac, message: BackupResult): void {
    this.pool.result(
      mac,
      message.jobId,
      message.ok ? { ok: true, ...(message.bytes === undefined ? {} : { bytes: message.bytes }) } : { ok: false, error: message.error ?? 'the device reported a failure without a reason' },
    );
  }

  stop(): Promise<void> {
    return this.pool.stop();
  }
}
