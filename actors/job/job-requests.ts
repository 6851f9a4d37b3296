// Requests of attempts in flight going out to devices: once per connection and attempt, and
// never one the device would refuse for its size.
import { fitsControlFrame, maxControlFrameBytes } from '../../domain/gateway/frame.js';
import { inFlightOf } from '../../domain/job/job-progress.js';
import type { InFlight, JobProgress } from '../../domain/job/job-progress.js';
import { alreadySent } from './job-inbox.js';
import type { JobChannel, JobKind } from './job-kind.js';
import type { TrackedJob } from './job-schedule.js';
import type { OnlineEntry } from '../device/online-devices.js';

/**
 * Sends the attempt's request once per connection. One the agent would refuse fails the
 * attempt instead: returns false, its failure waiting in the inbox for the next step.
 */
export function sendRequest(kind: JobKind, channel: JobChannel, job: TrackedJob, device: OnlineEntry, flight: InFlight): boolean {
  const { inbox } = job;
  if (alreadySent(inbox, device.mac, device.connectionId, flight.attempt)) return true;
  const message = kind.message(job.view.state.context, device, flight);
  if (!fitsControlFrame(message)) {
    // Sent, it would cost the device its connection, and be sent again at every hello.
    const error = `the request is larger than a device accepts (${maxControlFrameBytes} bytes): it was not sent`;
    inbox.results.set(device.mac, { mac: device.mac, attempt: flight.attempt, ok: false, error });
    return false;
  }
  if (channel.send(device.mac, message)) inbox.sentOn.set(device.mac, { connectionId: device.connectionId, attempt: flight.attempt });
  return true;
}

/** The attempts in flight in `after` that were not in `before`: those the events between dispatched. */
export const newlyInFlight = (before: JobProgress, after: JobProgress): InFlight[] =>
  after.inFlight.filter((flight) => inFlightOf(before, flight.mac)?.attempt !== flight.attempt);
