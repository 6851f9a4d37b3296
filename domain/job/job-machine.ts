// One machine for both kinds of job: a job waits its turn (queued), runs, may pause, and ends
// completed (nothing left to try), halted (its error threshold passed) or canceled. Devices in
// flight settle in whatever state the job is in. A completed job still takes a device whose
// hello asks for it (the seed's "device update check after the job has been executed").
import { assign, setup } from 'xstate';
import type { BackupSpec } from '../backup-job/backup-spec.js';
import type { UpdateSpec } from '../update-job/update-spec.js';
import type { BackupJobCreated, JobEvent, UpdateJobCreated } from './job-events.js';
import type { ErrorThreshold } from './job-progress.js';
import { progressAfterDispatch, progressAfterSettle } from './job-folds.js';
import { initialProgress, retried } from './job-progress.js';
import type { JobProgress } from './job-progress.js';

export interface JobContext {
  readonly jobId: string;
  readonly name: string;
  readonly tenants: readonly string[];
  readonly categories: readonly string[];
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly errorThreshold?: ErrorThreshold;
  readonly createdAt: string;
  readonly createdBy: { readonly id: string; readonly role: string };
  readonly spec: UpdateSpec | BackupSpec;
  readonly progress: JobProgress;
  /** The latest run's start, and its end (completed, halted or canceled). */
  readonly startedAt?: string;
  readonly finishedAt?: string;
}

type Created = UpdateJobCreated | BackupJobCreated;

const fromCreated = (event: Created): JobContext => {
  const { errorThreshold, spec, ...basics } = event.data;
  return { ...basics, spec, progress: initialProgress, ...(errorThreshold === undefined ? {} : { errorThreshold }) };
};

const emptyContext: JobContext = {
  jobId: '',
  name: '',
  tenants: [],
  categories: [],
  concurrency: 1,
  timeoutMs: 0,
  createdAt: '',
  createdBy: { id: '', role: 'system' },
  spec: { kind: 'backup', target: { url: '', auth: 'none' } },
  progress: initialProgress,
};

/** The machine of a job kind; `id` names it (updatejob, backupjob) so the runtime tells them apart. */
export function createJobMachine(id: string) {
  return setup({
    types: { context: {} as JobContext, events: {} as JobEvent },
    guards: {
      runDispatchable: ({ context, event }) =>
        event.type === 'JobDevicesDispatched' && progressAfterDispatch(context.progress, event, context.concurrency) !== undefined,
      // A completed job takes only what a hello asks for.
      helloDispatchable: ({ context, event }) =>
        event.type === 'JobDevicesDispatched' &&
        event.data.devices.every((device) => device.trigger === 'hello') &&
        progressAfterDispatch(context.progress, event, context.concurrency) !== undefined,
      settles: ({ context, event }) => event.type === 'JobDevicesSettled' && progressAfterSettle(context.progress, event) !== undefined,
      noneInFlight: ({ context }) => context.progress.counts.inFlight === 0,
      someFailed: ({ context }) => context.progress.counts.failed > 0,
    },
    actions: {
      dispatch: assign(({ context, event }) =>
        event.type === 'JobDevicesDispatched'
          ? { progress: progressAfterDispatch(context.progress, event, context.concurrency) ?? context.progress }
          : {},
      ),
      retry: assign(({ context }) => ({ progress: retried(context.progress) })),
      start: assign(({ event }) => (event.type === 'JobStarted' ? { startedAt: event.data.at, finishedAt: undefined } : {})),
      finish: assign(({ event }) => ('at' in event.data && typeof event.data.at === 'string' ? { finishedAt: event.data.at } : {})),
    },
  }).createMachine({
    id,
    initial: 'absent',
    context: emptyContext,
    on: {
      JobDevicesSettled: {
        guard: 'settles',
        actions: assign(({ context, event }) =>
          event.type === 'JobDevicesSettled' ? { progress: progressAfterSettle(context.progress, event) ?? context.progress } : {},
        ),
      },
    },
    states: {
      absent: {
        on: {
          UpdateJobCreated: { target: 'queued', actions: assign(({ event }) => fromCreated(event)) },
          BackupJobCreated: { target: 'queued', actions: assign(({ event }) => fromCreated(event)) },
        },
      },
      queued: {
        on: {
          JobStarted: { target: 'running', actions: 'start' },
          JobCanceled: { target: 'canceled', actions: 'finish' },
        },
      },
      running: {
        on: {
          JobDevicesDispatched: { guard: 'runDispatchable', actions: 'dispatch' },
          JobPaused: { target: 'paused' },
          JobCanceled: { target: 'canceled', actions: 'finish' },
          JobHalted: { target: 'halted', actions: 'finish' },
          JobCompleted: { guard: 'noneInFlight', target: 'completed', actions: 'finish' },
          JobRetried: { guard: 'someFailed', actions: 'retry' },
        },
      },
      paused: {
        on: {
          JobResumed: { target: 'running' },
          JobCanceled: { target: 'canceled', actions: 'finish' },
          JobHalted: { target: 'halted', actions: 'finish' },
          JobRetried: { guard: 'someFailed', actions: 'retry' },
        },
      },
      completed: {
        on: {
          JobDevicesDispatched: { guard: 'helloDispatchable', actions: 'dispatch' },
          JobRetried: { guard: 'someFailed', target: 'queued', actions: 'retry' },
          JobCanceled: { target: 'canceled' },
        },
      },
      halted: {
        on: {
          JobRetried: { guard: 'someFailed', target: 'queued', actions: 'retry' },
          JobCanceled: { target: 'canceled' },
        },
      },
      canceled: {},
    },
  });
}

export type JobMachine = ReturnType<typeof createJobMachine>;
