// The job's rules as given / when / then: what a step records and dispatches, and what the
// lifecycle commands may do in each state.
import { describe, expect, it } from 'vitest';
import { parseMac } from '../../domain/device/mac.js';
import type { Mac } from '../../domain/device/mac.js';
import type { JobCommand, JobLifecycleCommand } from '../../domain/job/job-commands.js';
import type { JobEvent } from '../../domain/job/job-events.js';
import { updateJobAggregate } from '../../domain/update-job/aggregate.js';
import { given, stateAfter } from '../support/given-when-then.js';
import { updateJobCreated, updateJobId } from './update-job-fixture.js';

const now = new Date('2026-01-01T00:00:00.000Z');
const at = now.toISOString();
const deadline = new Date(now.getTime() + 60_000).toISOString();
const jobId = updateJobId;
const mac = (i: number): Mac => parseMac((0x020000000000 + i).toString(16).padStart(12, '0'));

const created = updateJobCreated(at, { errorThreshold: { percent: 50, minSettled: 2 } });
const started: JobEvent = { type: 'JobStarted', data: { at } };
const run = (i: number, trigger: 'run' | 'hello' = 'run', attempt = 1) => ({ mac: mac(i), tenantId: 'acme', attempt, trigger, fromVersion: '13r1' });
const dispatched = (...devices: ReturnType<typeof run>[]): JobEvent => ({ type: 'JobDevicesDispatched', data: { at, deadline, devices } });
const toDispatch = (i: number, trigger: 'run' | 'hello' = 'run') => ({ mac: mac(i), tenantId: 'acme', trigger, fromVersion: '13r1' });
const advance = (command: Partial<Extract<JobLifecycleCommand, { type: 'AdvanceJob' }>>): JobCommand => ({ type: 'AdvanceJob', results: [], dispatch: [], ...command });
const ok = (i: number, attempt = 1) => ({ mac: mac(i), attempt, ok: true as const, via: 'result' as const });
const failed = (i: number, attempt = 1) => ({ mac: mac(i), attempt, ok: false as const, error: 'flash write failed' });
const when = (history: readonly JobEvent[], command: JobCommand, time = now) => given(updateJobAggregate, history).when(command, { now: time });

describe('a job step', () => {
  it('dispatches no more than the concurrency, and each device once per run', () => {
    when([created, started], advance({ dispatch: [toDispatch(1), toDispatch(2), toDispatch(3)] })).then([dispatched(run(1), run(2))]);
    when([created, started, dispatched(run(1))], advance({ dispatch: [toDispatch(1), toDispatch(2)] })).then([dispatched(run(2))]);
  });

  it('records results first, so the slots they free are taken in the same step', () => {
    when([created, started, dispatched(run(1), run(2))], advance({ results: [ok(1)], dispatch: [toDispatch(3)] })).then([
      { type: 'JobDevicesSettled', data: { at, devices: [{ mac: mac(1), attempt: 1, outcome: 'succeeded', via: 'result' }] } },
      dispatched(run(3)),
    ]);
  });

  it('skips results of attempts not in flight, and never dispatches a device that succeeded', () => {
    const history = [created, started, dispatched(run(1)), { type: 'JobDevicesSettled', data: { at, devices: [{ mac: mac(1), attempt: 1, outcome: 'succeeded', via: 'result' }] } } as JobEvent];
    when(history, advance({ results: [ok(1), failed(2)], dispatch: [toDispatch(1, 'hello')] })).then([]);
  });

  it('tries a failed device again only when its hello asks, or in the next pass', () => {
    const history = [created, started, dispatched(run(1)), { type: 'JobDevicesSettled', data: { at, devices: [{ mac: mac(1), attempt: 1, outcome: 'failed', cause: 'error', error: 'x' }] } } as JobEvent];
    when(history, advance({ dispatch: [toDispatch(1)] })).then([]);
    when(history, advance({ dispatch: [toDispatch(1, 'hello')] })).then([dispatched(run(1, 'hello', 2))]);
  });

  it('halts when more than the threshold of the settled devices failed', () => {
    when([created, started, dispatched(run(1), run(2))], advance({ results: [failed(1), ok(2)], dispatch: [toDispatch(3)] })).then([
      {
        type: 'JobDevicesSettled',
        data: {
          at,
          devices: [
            { mac: mac(1), attempt: 1, outcome: 'failed', cause: 'error', error: 'flash write failed' },
            { mac: mac(2), attempt: 1, outcome: 'succeeded', via: 'result' },
          ],
        },
      },
      dispatched(run(3)),
    ]);
    when([created, started, dispatched(run(1), run(2))], advance({ results: [failed(1), failed(2)], dispatch: [toDispatch(3)] })).then([
      {
        type: 'JobDevicesSettled',
        data: {
          at,
          devices: [
            { mac: mac(1), attempt: 1, outcome: 'failed', cause: 'error', error: 'flash write failed' },
            { mac: mac(2), attempt: 1, outcome: 'failed', cause: 'error', error: 'flash write failed' },
          ],
        },
      },
      { type: 'JobHalted', data: { at, settled: 2, failed: 2, percent: 100 } },
    ]);
  });

  it('fails attempts past their deadline with cause timeout, by the clock', () => {
    const history = [created, started, dispatched(run(1))];
    when(history, advance({ timeOut: true }), new Date(now.getTime() + 59_999)).then([]);
    const later = new Date(now.getTime() + 60_000);
    when(history, advance({ timeOut: true }), later).then([
      {
        type: 'JobDevicesSettled',
        data: { at: later.toISOString(), devices: [{ mac: mac(1), attempt: 1, outcome: 'failed', cause: 'timeout', error: 'no result within 60000 ms (timeout)' }] },
      },
    ]);
  });

  it('turns a failed attempt into a success when the hello shows the target version', () => {
    const history = [created, started, dispatched(run(1)), { type: 'JobDevicesSettled', data: { at, devices: [{ mac: mac(1), attempt: 1, outcome: 'failed', cause: 'timeout', error: 'x' }] } } as JobEvent];
    when(history, advance({ results: [{ mac: mac(1), attempt: 1, ok: true, via: 'hello', version: '13r2' }] })).then([
      { type: 'JobDevicesSettled', data: { at, devices: [{ mac: mac(1), attempt: 1, outcome: 'succeeded', via: 'hello', version: '13r2' }] } },
    ]);
    // A result (not a hello) for an attempt no longer in flight proves nothing.
    when(history, advance({ results: [ok(1)] })).then([]);
  });

  it('takes only hello-triggered devices once the job completed', () => {
    const completed = [created, started, { type: 'JobCompleted', data: { at } } as JobEvent];
    when(completed, advance({ dispatch: [toDispatch(1), toDispatch(2, 'hello')] })).then([dispatched(run(2, 'hello'))]);
  });
});

describe('job lifecycle', () => {
  it('pauses only a running job, resumes only a paused one', () => {
    given(updateJobAggregate, [created, started]).when({ type: 'PauseJob' }, { now }).then([{ type: 'JobPaused', data: { at } }]);
    given(updateJobAggregate, [created]).when({ type: 'PauseJob' }, { now }).thenFails('transition_forbidden');
    given(updateJobAggregate, [created, started]).when({ type: 'ResumeJob' }, { now }).thenFails('transition_forbidden');
    given(updateJobAggregate, [created, started, { type: 'JobPaused', data: { at } }]).when({ type: 'ResumeJob' }, { now }).then([{ type: 'JobResumed', data: { at } }]);
  });

  it('dispatches nothing while paused or canceled', () => {
    when([created, started, { type: 'JobPaused', data: { at } }], advance({ dispatch: [toDispatch(1)] })).then([]);
    given(updateJobAggregate, [created, started, { type: 'JobCanceled', data: { at } }]).when({ type: 'CancelJob' }, { now }).thenFails('transition_forbidden');
    when([created, started, { type: 'JobCanceled', data: { at } }], advance({ dispatch: [toDispatch(1)] })).then([]);
  });

  it('completes only with nothing in flight; retries only failed devices, into the next pass', () => {
    given(updateJobAggregate, [created, started, dispatched(run(1))]).when({ type: 'CompleteJob' }, { now }).thenFails('transition_forbidden');
    given(updateJobAggregate, [created, started]).when({ type: 'RetryJob' }, { now }).thenFails('transition_forbidden');
    const halted = [
      created,
      started,
      dispatched(run(1)),
      { type: 'JobDevicesSettled', data: { at, devices: [{ mac: mac(1), attempt: 1, outcome: 'failed', cause: 'error', error: 'x' }] } } as JobEvent,
      { type: 'JobHalted', data: { at, settled: 1, failed: 1, percent: 100 } } as JobEvent,
    ];
    given(updateJobAggregate, halted).when({ type: 'RetryJob' }, { now }).then([{ type: 'JobRetried', data: { at, pass: 2, failed: 1 } }]);
    const requeued = stateAfter(updateJobAggregate.machine, [...halted, { type: 'JobRetried', data: { at, pass: 2, failed: 1 } }]);
    expect(requeued.matches('queued')).toBe(true);
    expect(requeued.context.progress.pass).toBe(2);
  });

  it('refuses a create of the other kind, and a second create', () => {
    given(updateJobAggregate, [created]).when({ type: 'CreateUpdateJob', jobId, name: 'x', tenants: ['acme'], categories: [], concurrency: 1, timeoutMs: 1000, target: { kind: 'firmware', version: '1' }, artifacts: { a: { url: 'http://x' } } }, { now }).thenFails('already_exists');
    given(updateJobAggregate, []).when({ type: 'CreateBackupJob', jobId, name: 'x', tenants: ['acme'], categories: [], concurrency: 1, timeoutMs: 1000, target: { url: 'http://x', auth: 'none' } }, { now }).thenFails('validation_failed');
    given(updateJobAggregate, []).when({ type: 'CreateUpdateJob', jobId, name: 'x', tenants: [], categories: [], concurrency: 0, timeoutMs: 1000, target: { kind: 'firmware', version: '1' }, artifacts: { a: { url: 'http://x' } } }, { now }).thenFails('validation_failed');
  });
});
