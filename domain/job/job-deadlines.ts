// A job's one deadline: the earliest of its attempts in flight. The runtime arms it from the
// job's state (and re-arms it at start-up), and fires a step that fails the overdue attempts;
// the step's decide reads the clock again, so a timer that fires early fails nothing.
import type { Deadline } from '../aggregate.js';
import type { JobCommand } from './job-commands.js';
import type { JobSnapshot } from './job-decide.js';
import { nextDeadline } from './job-progress.js';

/** The step a deadline fires: no answers, no dispatches of its own, only the timeouts. */
export const timeOutStep: Extract<JobCommand, { type: 'AdvanceJob' }> = { type: 'AdvanceJob', results: [], dispatch: [], timeOut: true };

export function jobDeadlines(state: JobSnapshot): readonly Deadline<JobCommand>[] {
  const at = nextDeadline(state.context.progress);
  return at === undefined ? [] : [{ at: new Date(at).toISOString(), command: timeOutStep }];
}
