import type { BackupTarget } from '../backup-job/backup-spec.js';
import type { Mac } from '../device/mac.js';
import type { UpdateTarget } from '../gateway/job-messages.js';
import type { Artifact } from '../update-job/update-spec.js';
import type { JobBasicsInput } from './check-basics.js';
import type { Trigger } from './job-progress.js';

/** A device to send the job's request to, as the supervisor saw it online. */
export interface DeviceToDispatch {
  readonly mac: Mac;
  readonly tenantId: string;
  readonly trigger: Trigger;
  /** An update's version before. */
  readonly fromVersion?: string;
  /** A backup's file URL. */
  readonly location?: string;
}

export type DeviceResult =
  | {
      readonly mac: Mac;
      readonly attempt: number;
      readonly ok: true;
      readonly via: 'result' | 'hello';
      readonly version?: string;
      readonly bytes?: number;
    }
  | { readonly mac: Mac; readonly attempt: number; readonly ok: false; readonly error: string };

/** What may happen to a job once created; each kind adds its own create command. */
export type JobLifecycleCommand =
  | { readonly type: 'StartJob' }
  | { readonly type: 'PauseJob' }
  | { readonly type: 'ResumeJob' }
  | { readonly type: 'CancelJob' }
  | { readonly type: 'RetryJob' }
  | { readonly type: 'CompleteJob' }
  /**
   * One step of the run, appended at once: record these results (and, with `timeOut`, fail the
   * attempts whose deadline has passed by the clock), then dispatch these devices. Results of
   * attempts no longer in flight (a device may answer twice, or after its timeout) and devices
   * no longer allowed (another took the slot, it succeeded meanwhile) are skipped, not refused.
   */
  | {
      readonly type: 'AdvanceJob';
      readonly results: readonly DeviceResult[];
      readonly dispatch: readonly DeviceToDispatch[];
      readonly timeOut?: boolean;
    };

/** `artifacts`: resolved from the current catalog by the caller (update-job/resolve-artifacts.ts). */
export type CreateUpdateJob = JobBasicsInput & {
  readonly type: 'CreateUpdateJob';
  readonly target: UpdateTarget;
  readonly artifacts: Readonly<Record<string, Artifact>>;
};

/** The password arrives sealed (actors/secrets/secret-seal.ts), never in clear. */
export type CreateBackupJob = JobBasicsInput & { readonly type: 'CreateBackupJob'; readonly target: BackupTarget; readonly sealedPassword?: string };

/** The commands of both kinds of job; each kind refuses the other's create. */
export type JobCommand = CreateUpdateJob | CreateBackupJob | JobLifecycleCommand;
