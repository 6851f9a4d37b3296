// The progress a batch of dispatches or settlements leads to, folded once per event. The machine
// asks for it up to three times per event (the runtime's can(), then the transition's guard and
// its action), and folding a batch of devices through the ledger each time was a third of a job
// step. Events and progress are never mutated, so an event's last fold can be reused.
import type { JobDevicesDispatched, JobDevicesSettled } from './job-events.js';
import { dispatchAll, settleAll } from './job-progress.js';
import type { JobProgress } from './job-progress.js';

interface Fold {
  readonly from: JobProgress;
  readonly concurrency: number;
  readonly to: JobProgress | undefined;
}

const folds = new WeakMap<object, Fold>();

function folded(key: object, from: JobProgress, concurrency: number, fold: () => JobProgress | undefined): JobProgress | undefined {
  const known = folds.get(key);
  if (known !== undefined && known.from === from && known.concurrency === concurrency) return known.to;
  const to = fold();
  folds.set(key, { from, concurrency, to });
  return to;
}

/** The progress after the event's dispatches, or undefined when one of them may not be. */
export const progressAfterDispatch = (progress: JobProgress, event: JobDevicesDispatched, concurrency: number): JobProgress | undefined =>
  folded(event.data, progress, concurrency, () => dispatchAll(progress, event.data.devices, event.data.deadline, concurrency));

/** The progress after the event's settlements, or undefined when one of them may not settle. */
export const progressAfterSettle = (progress: JobProgress, event: JobDevicesSettled): JobProgress | undefined =>
  folded(event.data, progress, 0, () => settleAll(progress, event.data.devices));
