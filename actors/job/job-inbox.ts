// What the pool holds for a job beside its events: inputs from the live world that no append
// has recorded yet (answers, devices to consider) and where each request went out. Nothing
// here is taken away before an append records it: it is pruned against the job's progress
// after its events are stored, so a failed append leaves every input where it was.
import type { Mac } from '../../domain/device/mac.js';
import type { DeviceResult } from '../../domain/job/job-commands.js';
import { inFlightOf, maySettle } from '../../domain/job/job-progress.js';
import type { JobProgress, Trigger } from '../../domain/job/job-progress.js';

export interface SentRequest {
  readonly connectionId: string;
  readonly attempt: number;
}

export interface JobInbox {
  /** Online devices to consider, in arrival order, and how each was asked for. */
  readonly candidates: Map<Mac, Trigger>;
  /** Answers to record at the next step, one per device. */
  readonly results: Map<Mac, DeviceResult>;
  /** The connection each request in flight went out on (this run of the hub only). */
  readonly sentOn: Map<Mac, SentRequest>;
}

export const emptyInbox = (): JobInbox => ({ candidates: new Map(), results: new Map(), sentOn: new Map() });

/** What a device answered to its request. */
export type DeviceAnswer = { readonly ok: true; readonly bytes?: number } | { readonly ok: false; readonly error: string };

export const answerOf = (mac: Mac, attempt: number, answer: DeviceAnswer): DeviceResult =>
  answer.ok ? { mac, attempt, ok: true, via: 'result', ...(answer.bytes === undefined ? {} : { bytes: answer.bytes }) } : { mac, attempt, ok: false, error: answer.error };

const settlementOf = (result: DeviceResult) =>
  result.ok ? { mac: result.mac, attempt: result.attempt, outcome: 'succeeded' as const, via: result.via } : { mac: result.mac, attempt: result.attempt, outcome: 'failed' as const };

/**
 * After the job's events are stored: answers the job can no longer take (recorded, or their
 * attempt ended otherwise) are done with, devices now in flight are candidates no more, and
 * requests of attempts no longer in flight are forgotten.
 */
export function pruneInbox(inbox: JobInbox, progress: JobProgress): void {
  for (const [mac, result] of inbox.results) if (!maySettle(progress, settlementOf(result))) inbox.results.delete(mac);
  for (const mac of inbox.candidates.keys()) if (inFlightOf(progress, mac) !== undefined) inbox.candidates.delete(mac);
  for (const [mac, sent] of inbox.sentOn) if (inFlightOf(progress, mac)?.attempt !== sent.attempt) inbox.sentOn.delete(mac);
}

/** Whether the attempt's request already went out on this connection. */
export const alreadySent = (inbox: JobInbox, mac: Mac, connectionId: string, attempt: number): boolean => {
  const sent = inbox.sentOn.get(mac);
  return sent?.connectionId === connectionId && sent.attempt === attempt;
};
