// What a device's hello (or a change of its tenant or categories) means to the jobs of a pool:
// an attempt it proves is recorded at the next step, one whose request was lost is asked
// again, and the job it needs takes it as a candidate.
import { jobStateOf } from '../../domain/job/job-decide.js';
import { deviceEntry, inFlightOf } from '../../domain/job/job-progress.js';
import type { InFlight } from '../../domain/job/job-progress.js';
import type { JobKind } from './job-kind.js';
import { jobForHello } from './job-schedule.js';
import type { TrackedJob } from './job-schedule.js';
import type { OnlineEntry } from '../device/online-devices.js';

export function takeHello(kind: JobKind, ordered: readonly TrackedJob[], device: OnlineEntry, resend: (job: TrackedJob, flight: InFlight) => void): void {
  const { mac } = device;
  for (const job of ordered) {
    const { context } = job.view.state;
    const flight = inFlightOf(context.progress, mac);
    const confirmed = kind.confirms(context, device);
    if (flight !== undefined) {
      if (confirmed !== undefined) job.inbox.results.set(mac, { mac, attempt: flight.attempt, ok: true, via: 'hello', ...confirmed });
      // The request (or its answer) was lost with a connection or a hub restart: ask again, once per
      // connection, unless the job was canceled: then nothing more goes out for it.
      else if (jobStateOf(job.view.state) !== 'canceled' && kind.suits(context, device)) resend(job, flight);
      continue;
    }
    const entry = deviceEntry(context.progress, mac);
    if (confirmed !== undefined && entry?.status === 'failed') job.inbox.results.set(mac, { mac, attempt: entry.attempts, ok: true, via: 'hello', ...confirmed });
  }
  const target = jobForHello(kind, ordered, device);
  if (target !== undefined) {
    const { candidates } = target.inbox;
    const trigger = candidates.get(mac) === 'hello' ? 'hello' : kind.helloTrigger;
    // To the end of the queue: candidates go out in the order they last said hello.
    candidates.delete(mac);
    candidates.set(mac, trigger);
  }
}
