// Deciding one step of a job, without changing anything: the answers to record, and the
// candidates to dispatch into the room that leaves. The pool appends the step as one
// AdvanceJob; only once it is stored does anything change. Overdue attempts are not the
// step's: the job's deadline (domain/job/job-deadlines.ts) times them out.
import type { Mac } from '../../domain/device/mac.js';
import type { DeviceResult, DeviceToDispatch, JobLifecycleCommand } from '../../domain/job/job-commands.js';
import { jobStateOf } from '../../domain/job/job-decide.js';
import { inFlightOf, whyNotDispatchable } from '../../domain/job/job-progress.js';
import type { JobInbox } from './job-inbox.js';
import type { JobKind } from './job-kind.js';
import type { JobView } from './job-view.js';
import type { DeviceDirectory } from './cluster-devices.js';

export interface JobStep {
  /** What to append; none when the step would record nothing. */
  readonly command?: Extract<JobLifecycleCommand, { type: 'AdvanceJob' }>;
  /** Candidates that no longer qualify (gone, out of scope, done): dropped whatever the append does, as nothing records them. */
  readonly dropped: readonly Mac[];
}

export interface StepInput {
  readonly kind: JobKind;
  readonly online: DeviceDirectory;
  readonly now: Date;
  readonly dispatch: boolean;
}

export function planStep(view: JobView, inbox: JobInbox, input: StepInput): JobStep {
  const results = [...inbox.results.values()];
  const { picked, dropped } = input.dispatch ? pick(view, inbox, input, settling(view, results)) : { picked: [], dropped: [] };
  if (results.length === 0 && picked.length === 0) return { dropped };
  return { command: { type: 'AdvanceJob', results, dispatch: picked }, dropped };
}

/** How many slots this step frees: answers of attempts in flight. */
function settling(view: JobView, results: readonly DeviceResult[]): number {
  const { progress } = view.state.context;
  return results.filter((result) => inFlightOf(progress, result.mac)?.attempt === result.attempt).length;
}

/** Candidates to dispatch, in arrival order, up to the room the step leaves; and those that no longer qualify. */
function pick(view: JobView, inbox: JobInbox, input: StepInput, freed: number): { picked: DeviceToDispatch[]; dropped: Mac[] } {
  const { kind, online, now } = input;
  const { context } = view.state;
  const completed = jobStateOf(view.state) === 'completed';
  const room = context.concurrency - context.progress.counts.inFlight + freed;
  const picked: DeviceToDispatch[] = [];
  const dropped: Mac[] = [];
  for (const [mac, trigger] of inbox.candidates) {
    if (picked.length >= room) break;
    const device = online.get(mac);
    const qualifies =
      device !== undefined &&
      device.tenantId !== undefined &&
      (!completed || trigger === 'hello') &&
      kind.suits(context, device) &&
      kind.needs(context, device) &&
      // Room is checked by the job itself, after the step's results settle.
      whyNotDispatchable(context.progress, mac, trigger, Number.MAX_SAFE_INTEGER) === undefined;
    if (!qualifies || device.tenantId === undefined) dropped.push(mac);
    else picked.push({ mac, tenantId: device.tenantId, trigger, ...kind.dispatchDetails(context, device, now) });
  }
  return { picked, dropped };
}
