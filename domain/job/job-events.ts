// The events of update and backup jobs (streams updatejob-<uuid> and backupjob-<uuid>). Each
// kind has its own created event; what happens after, the run and each device's attempts, is
// told the same way for both.
import * as t from 'io-ts';
import { Mac } from '../device/mac.js';
import { BackupSpec } from '../backup-job/backup-spec.js';
import { UpdateSpec } from '../update-job/update-spec.js';
import { DeviceFailureCause, jobBasics, StoredErrorThreshold } from './job-fields.js';

const created = <T extends string, S extends t.Mixed>(type: T, spec: S) =>
  t.type({
    type: t.literal(type),
    data: t.intersection([t.type({ ...jobBasics, spec }), t.partial({ errorThreshold: StoredErrorThreshold })]),
  });

export const UpdateJobCreated = created('UpdateJobCreated', UpdateSpec);
export type UpdateJobCreated = t.TypeOf<typeof UpdateJobCreated>;

export const BackupJobCreated = created('BackupJobCreated', BackupSpec);
export type BackupJobCreated = t.TypeOf<typeof BackupJobCreated>;

const stamped = <T extends string>(type: T) => t.type({ type: t.literal(type), data: t.type({ at: t.string }) });

/** Its turn came (FIFO): the run dispatches devices from now on. */
export const JobStarted = stamped('JobStarted');
export const JobPaused = stamped('JobPaused');
export const JobResumed = stamped('JobResumed');
/** No device is dispatched any more; attempts in flight still settle. */
export const JobCanceled = stamped('JobCanceled');
/** The run has no device left to try and none in flight. */
export const JobCompleted = stamped('JobCompleted');

/** The error threshold was passed: `failed` of the `settled` devices of the pass failed. */
export const JobHalted = t.type({
  type: t.literal('JobHalted'),
  data: t.type({ at: t.string, settled: t.number, failed: t.number, percent: t.number }),
});

/** The failed devices are tried again, in pass `pass`. */
export const JobRetried = t.type({ type: t.literal('JobRetried'), data: t.type({ at: t.string, pass: t.number, failed: t.number }) });

export const Trigger = t.keyof({ run: null, hello: null });

/** `fromVersion`: an update's version before; `location`: a backup's file URL. */
export const DispatchedDevice = t.intersection([
  t.type({ mac: Mac, tenantId: t.string, attempt: t.number, trigger: Trigger }),
  t.partial({ fromVersion: t.string, location: t.string }),
]);
export type DispatchedDevice = t.TypeOf<typeof DispatchedDevice>;

/**
 * These devices were sent the job's request, together (a job sends in batches: one event per
 * batch keeps 5,000 devices from costing 5,000 appends). `deadline`: when their attempts fail
 * with cause timeout.
 */
export const JobDevicesDispatched = t.type({
  type: t.literal('JobDevicesDispatched'),
  data: t.type({ at: t.string, deadline: t.string, devices: t.array(DispatchedDevice) }),
});
export type JobDevicesDispatched = t.TypeOf<typeof JobDevicesDispatched>;

/**
 * A device's attempt ended: it reported success (`result`), or its hello showed the target
 * version (`hello`); or it failed, with the device's own text or why the hub gave up.
 */
export const SettledDevice = t.union([
  t.intersection([
    t.type({ mac: Mac, attempt: t.number, outcome: t.literal('succeeded'), via: t.keyof({ result: null, hello: null }) }),
    t.partial({ version: t.string, bytes: t.number }),
  ]),
  t.type({ mac: Mac, attempt: t.number, outcome: t.literal('failed'), cause: DeviceFailureCause, error: t.string }),
]);
export type SettledDevice = t.TypeOf<typeof SettledDevice>;

/** These attempts ended, in this order. */
export const JobDevicesSettled = t.type({ type: t.literal('JobDevicesSettled'), data: t.type({ at: t.string, devices: t.array(SettledDevice) }) });
export type JobDevicesSettled = t.TypeOf<typeof JobDevicesSettled>;

const shared = [JobStarted, JobPaused, JobResumed, JobCanceled, JobCompleted, JobHalted, JobRetried, JobDevicesDispatched, JobDevicesSettled] as const;

export const UpdateJobEvent = t.union([UpdateJobCreated, ...shared]);
export type UpdateJobEvent = t.TypeOf<typeof UpdateJobEvent>;

export const BackupJobEvent = t.union([BackupJobCreated, ...shared]);
export type BackupJobEvent = t.TypeOf<typeof BackupJobEvent>;

export const JobEvent = t.union([UpdateJobCreated, BackupJobCreated, ...shared]);
export type JobEvent = t.TypeOf<typeof JobEvent>;
export type SharedJobEvent = Exclude<JobEvent, UpdateJobCreated | BackupJobCreated>;

/** A kind's own codec, typed as the machine's events (which it is a part of). */
export const asJobEvents = (name: string, codec: t.Type<UpdateJobEvent, unknown, unknown> | t.Type<BackupJobEvent, unknown, unknown>): t.Type<JobEvent, unknown, unknown> =>
  new t.Type<JobEvent, unknown, unknown>(name, (u): u is JobEvent => codec.is(u), (u, c) => codec.validate(u, c), t.identity);
