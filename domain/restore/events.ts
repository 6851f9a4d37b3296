import * as t from 'io-ts';
import { BackupAuthType } from '../backup-job/backup-spec.js';
import { Mac } from '../device/mac.js';

// A restore replaces a device's configuration, so who asked for which file, and how it ended,
// is recorded like any other change. The file's address is kept without its query, fragment
// or credentials, and the password never: both may hold secrets.

/** The device is asked to restore; it has until `deadline` (ISO time) to answer. */
export const RestoreRequested = t.type({
  type: t.literal('RestoreRequested'),
  data: t.intersection([
    t.type({ requestId: t.string, mac: Mac, source: t.string, auth: BackupAuthType, deadline: t.string }),
    // tenantId: absent for a device in no tenant (only an admin reaches one).
    t.partial({ tenantId: t.string, username: t.string }),
  ]),
});
export type RestoreRequested = t.TypeOf<typeof RestoreRequested>;

export const RestoreSucceeded = t.type({
  type: t.literal('RestoreSucceeded'),
  data: t.type({ requestId: t.string }),
});
export type RestoreSucceeded = t.TypeOf<typeof RestoreSucceeded>;

export const RestoreFailureCause = t.keyof({
  /** The device answered with an error of its own (in `error`). */
  'device-failed': null,
  /** The device was not connected to this hub node when asked. */
  'device-offline': null,
  /** No answer before the deadline. */
  timeout: null,
  /** The hub stopped while waiting; the device may still have restored. */
  'hub-shutdown': null,
});
export type RestoreFailureCause = t.TypeOf<typeof RestoreFailureCause>;

export const RestoreFailed = t.type({
  type: t.literal('RestoreFailed'),
  data: t.intersection([t.type({ requestId: t.string, cause: RestoreFailureCause }), t.partial({ error: t.string })]),
});
export type RestoreFailed = t.TypeOf<typeof RestoreFailed>;

export const RestoreEvent = t.union([RestoreRequested, RestoreSucceeded, RestoreFailed]);
export type RestoreEvent = t.TypeOf<typeof RestoreEvent>;
