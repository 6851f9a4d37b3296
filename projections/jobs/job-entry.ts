// A job's view and its devices' views, folded from the job's events as the job machine keeps
// them (domain/job/job-machine.ts): each device is counted once, in the status it has now.
import type { BackupJobCreated, DispatchedDevice, JobEvent, SettledDevice, SharedJobEvent, UpdateJobCreated } from '../../domain/job/job-events.js';
import type { DeviceStatus, JobCounts } from '../../domain/job/job-progress.js';
import type { JobDeviceView, JobView } from './job-view.js';
import { formatMac } from '../../domain/device/mac.js';

export function createdView(event: UpdateJobCreated | BackupJobCreated, at: string): JobView {
  const { jobId, name, tenants, categories, concurrency, timeoutMs, errorThreshold, createdAt, createdBy, spec } = event.data;
  return {
    id: jobId,
    kind: spec.kind,
    name,
    state: 'queued',
    tenants,
    categories,
    target: spec.target,
    concurrency,
    timeoutMs,
    ...(errorThreshold === undefined ? {} : { errorThreshold }),
    createdAt,
    createdBy,
    pass: 1,
    counts: { attempted: 0, inFlight: 0, succeeded: 0, failed: 0 },
    updatedAt: at,
  };
}

const countKey = { 'in-flight': 'inFlight', succeeded: 'succeeded', failed: 'failed' } as const;

export function recount(counts: JobCounts, from: DeviceStatus | undefined, to: DeviceStatus): JobCounts {
  const next = { ...counts };
  if (from === undefined) next.attempted += 1;
  else next[countKey[from]] -= 1;
  next[countKey[to]] += 1;
  return next;
}

const withoutFinish = (job: JobView): JobView => {
  const { finishedAt: _finished, halted: _halted, ...rest } = job;
  return rest;
};

export type LifecycleEvent = Exclude<SharedJobEvent, { type: 'JobDevicesDispatched' | 'JobDevicesSettled' }>;

/** The job's view after a lifecycle event (started, paused, ..., retried). */
export function nextJobView(job: JobView, event: LifecycleEvent, at: string): JobView {
  const stamped = { ...job, updatedAt: at };
  switch (event.type) {
    case 'JobStarted':
      return { ...withoutFinish(stamped), state: 'running', startedAt: event.data.at };
    case 'JobPaused':
      return { ...stamped, state: 'paused' };
    case 'JobResumed':
      return { ...stamped, state: 'running' };
    case 'JobCanceled':
      return { ...stamped, state: 'canceled', finishedAt: job.finishedAt ?? event.data.at };
    case 'JobCompleted':
      return { ...stamped, state: 'completed', finishedAt: event.data.at };
    case 'JobHalted': {
      const { settled, failed, percent } = event.data;
      return { ...stamped, state: 'halted', finishedAt: event.data.at, halted: { settled, failed, percent } };
    }
    case 'JobRetried':
      return { ...(job.state === 'running' || job.state === 'paused' ? stamped : { ...withoutFinish(stamped), state: 'queued' as const }), pass: event.data.pass };
  }
}

export function dispatchedView(device: DispatchedDevice, deadline: string, at: string): JobDeviceView {
  const { mac, tenantId, attempt, trigger, fromVersion, location } = device;
  return {
    mac: formatMac(mac),
    tenant: tenantId,
    status: 'in-flight',
    attempts: attempt,
    trigger,
    ...(fromVersion === undefined ? {} : { fromVersion }),
    ...(location === undefined ? {} : { location }),
    dispatchedAt: at,
    deadline,
  };
}

export function settledView(before: JobDeviceView, settled: SettledDevice, at: string): JobDeviceView {
  const { cause: _cause, error: _error, deadline: _deadline, ...kept } = before;
  if (settled.outcome === 'failed') return { ...kept, status: 'failed', cause: settled.cause, error: settled.error, settledAt: at };
  return {
    ...kept,
    status: 'succeeded',
    ...(settled.version === undefined ? {} : { version: settled.version }),
    ...(settled.bytes === undefined ? {} : { bytes: settled.bytes }),
    settledAt: at,
  };
}

export const isCreated = (event: JobEvent): event is UpdateJobCreated | BackupJobCreated =>
  event.type === 'UpdateJobCreated' || event.type === 'BackupJobCreated';
