// What a job does with a lifecycle command, the same for both kinds. A step's results and
// dispatches are folded through the same pure rules as the machine (job-progress.ts), so the
// events decided are ones the machine accepts where it will stand.
import type { SnapshotFrom } from 'xstate';
import type { DecisionContext } from '../aggregate.js';
import { TetherError } from '../errors.js';
import type { JobLifecycleCommand } from './job-commands.js';
import type { DispatchedDevice, SettledDevice, SharedJobEvent } from './job-events.js';
import type { JobState } from './job-fields.js';
import type { JobContext, JobMachine } from './job-machine.js';
import { dispatchAll, exceedsThreshold, maySettle, nextAttempt, overdue, settled, whyNotDispatchable } from './job-progress.js';
import type { JobProgress } from './job-progress.js';

export type JobSnapshot = SnapshotFrom<JobMachine>;

const states: readonly JobState[] = ['queued', 'running', 'paused', 'completed', 'halted', 'canceled'];

/** The job's state, or undefined before it was created. */
export function jobStateOf(state: JobSnapshot): JobState | undefined {
  return states.find((name) => state.matches(name));
}

/** Devices must not be left in flight by the run: it may end only once they settled. */
export const isActive = (state: JobSnapshot): boolean => {
  const current = jobStateOf(state);
  return current === 'running' || current === 'paused' || state.context.progress.counts.inFlight > 0;
};

function forbidden(context: JobContext, state: JobState, what: string): TetherError {
  return new TetherError('transition_forbidden', `job ${context.jobId} is ${state}: it cannot ${what}`);
}

function mustBeIn(state: JobSnapshot, allowed: readonly JobState[], what: string): JobState {
  const current = jobStateOf(state);
  if (current === undefined) throw new TetherError('not_found', 'no such job');
  if (!allowed.includes(current)) throw forbidden(state.context, current, what);
  return current;
}

type Advance = Extract<JobLifecycleCommand, { type: 'AdvanceJob' }>;

function settlementsOf(context: JobContext, command: Advance, now: Date): SettledDevice[] {
  const settlements: SettledDevice[] = command.results.map((result) =>
    result.ok
      ? {
          mac: result.mac,
          attempt: result.attempt,
          outcome: 'succeeded',
          via: result.via,
          ...(result.version === undefined ? {} : { version: result.version }),
          ...(result.bytes === undefined ? {} : { bytes: result.bytes }),
        }
      : { mac: result.mac, attempt: result.attempt, outcome: 'failed', cause: 'error', error: result.error },
  );
  if (command.timeOut === true) {
    const answered = new Set<string>(settlements.map((settlement) => settlement.mac));
    for (const { mac, attempt } of overdue(context.progress, now)) {
      if (!answered.has(mac)) settlements.push({ mac, attempt, outcome: 'failed', cause: 'timeout', error: `no result within ${context.timeoutMs} ms (timeout)` });
    }
  }
  return settlements;
}

function decideAdvance(state: JobSnapshot, command: Advance, now: Date): SharedJobEvent[] {
  let current = mustBeIn(state, ['running', 'paused', 'completed', 'halted', 'canceled'], 'advance');
  const { context } = state;
  const at = now.toISOString();
  const events: SharedJobEvent[] = [];
  let progress: JobProgress = context.progress;

  const recorded: SettledDevice[] = [];
  for (const settlement of settlementsOf(context, command, now)) {
    if (!maySettle(progress, settlement)) continue;
    progress = settled(progress, settlement.mac, settlement.outcome);
    recorded.push(settlement);
  }
  if (recorded.length > 0) events.push({ type: 'JobDevicesSettled', data: { at, devices: recorded } });
  if ((current === 'running' || current === 'paused') && recorded.some((settlement) => settlement.outcome === 'failed') && exceedsThreshold(progress, context.errorThreshold)) {
    const percent = Math.round((progress.passFailed * 1000) / progress.passSettled) / 10;
    events.push({ type: 'JobHalted', data: { at, settled: progress.passSettled, failed: progress.passFailed, percent } });
    current = 'halted';
  }

  // A completed job takes only what a hello asks for.
  if (current !== 'running' && current !== 'completed') return events;
  const deadline = new Date(now.getTime() + context.timeoutMs).toISOString();
  const devices: DispatchedDevice[] = [];
  for (const device of command.dispatch) {
    if (current === 'completed' && device.trigger !== 'hello') continue;
    if (whyNotDispatchable(progress, device.mac, device.trigger, context.concurrency) !== undefined) continue;
    const attempt = nextAttempt(progress, device.mac);
    const { mac, tenantId, trigger, fromVersion, location } = device;
    const dispatched: DispatchedDevice = {
      mac,
      tenantId,
      attempt,
      trigger,
      ...(fromVersion === undefined ? {} : { fromVersion }),
      ...(location === undefined ? {} : { location }),
    };
    progress = dispatchAll(progress, [dispatched], deadline, context.concurrency) ?? progress;
    devices.push(dispatched);
  }
  if (devices.length > 0) events.push({ type: 'JobDevicesDispatched', data: { at, deadline, devices } });
  return events;
}

export function decideJobLifecycle(state: JobSnapshot, command: JobLifecycleCommand, { now }: DecisionContext): readonly SharedJobEvent[] {
  const at = now.toISOString();
  const { context } = state;
  switch (command.type) {
    case 'StartJob':
      mustBeIn(state, ['queued'], 'start');
      return [{ type: 'JobStarted', data: { at } }];
    case 'PauseJob':
      mustBeIn(state, ['running'], 'pause');
      return [{ type: 'JobPaused', data: { at } }];
    case 'ResumeJob':
      mustBeIn(state, ['paused'], 'resume');
      return [{ type: 'JobResumed', data: { at } }];
    case 'CancelJob':
      mustBeIn(state, ['queued', 'running', 'paused', 'completed', 'halted'], 'be canceled');
      return [{ type: 'JobCanceled', data: { at } }];
    case 'RetryJob': {
      mustBeIn(state, ['running', 'paused', 'completed', 'halted'], 'retry its failed devices');
      const { failed } = context.progress.counts;
      if (failed === 0) throw new TetherError('transition_forbidden', `job ${context.jobId} has no failed device to retry`);
      return [{ type: 'JobRetried', data: { at, pass: context.progress.pass + 1, failed } }];
    }
    case 'CompleteJob':
      mustBeIn(state, ['running'], 'complete');
      if (context.progress.counts.inFlight > 0) {
        throw new TetherError('transition_forbidden', `job ${context.jobId} has ${context.progress.counts.inFlight} devices in flight`);
      }
      return [{ type: 'JobCompleted', data: { at } }];
    case 'AdvanceJob':
      return decideAdvance(state, command, now);
  }
}
