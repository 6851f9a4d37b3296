import type { BackupTarget } from '../../domain/backup-job/backup-spec.js';
import type { UpdateTarget } from '../../domain/gateway/job-messages.js';
import type { JobState } from '../../domain/job/job-fields.js';
import type { DeviceStatus, JobCounts } from '../../domain/job/job-progress.js';

export type JobKind = 'update' | 'backup';

/** A job as the API and dashboards show it; a backup target never with its password. */
export interface JobView {
  readonly id: string;
  readonly kind: JobKind;
  readonly name: string;
  readonly state: JobState;
  readonly tenants: readonly string[];
  readonly categories: readonly string[];
  readonly target: UpdateTarget | BackupTarget;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly errorThreshold?: { readonly percent: number; readonly minSettled?: number };
  readonly createdAt: string;
  readonly createdBy: { readonly id: string; readonly role: string };
  /** The latest run's start and end. */
  readonly startedAt?: string;
  readonly finishedAt?: string;
  /** 1, then one more for each retry of the failed devices. */
  readonly pass: number;
  readonly counts: JobCounts;
  /** Why the error threshold stopped it, when it did. */
  readonly halted?: { readonly settled: number; readonly failed: number; readonly percent: number };
  readonly updatedAt: string;
}

/** One device in a job: its latest attempt. */
export interface JobDeviceView {
  /** As the API writes it: `00:11:22:AA:BB:CC`; also the key of its row. */
  readonly mac: string;
  readonly tenant: string;
  readonly status: DeviceStatus;
  readonly attempts: number;
  /** What asked for the latest attempt: the run, or the device's hello. */
  readonly trigger: 'run' | 'hello';
  /** An update's version before the attempt, and the version it reported after. */
  readonly fromVersion?: string;
  readonly version?: string;
  /** A backup's file URL, and how many bytes it stored. */
  readonly location?: string;
  readonly bytes?: number;
  readonly cause?: 'error' | 'timeout';
  readonly error?: string;
  readonly dispatchedAt: string;
  readonly deadline?: string;
  readonly settledAt?: string;
}
