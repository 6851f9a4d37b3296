// Where a job stands with its devices, and the pure rules that move it: a device is in flight
// at most once, at most `concurrency` are in flight together, a success is final, each run
// ("pass") tries a device once, and only a device in flight (or one whose attempt failed and
// which then proves the target by its hello) may settle. Each device is counted once, in the
// status it has now.
import { isMac } from '../device/mac.js';
import type { Mac } from '../device/mac.js';
import { emptyLedger, ledgerGet, ledgerSet } from './device-ledger.js';
import type { Ledger } from './device-ledger.js';

export type DeviceStatus = 'in-flight' | 'succeeded' | 'failed';

export interface DeviceEntry {
  readonly status: DeviceStatus;
  /** Attempts so far; the one in flight included. */
  readonly attempts: number;
  /** The pass of the latest attempt. */
  readonly pass: number;
}

export interface InFlight {
  readonly mac: string;
  readonly attempt: number;
  /** ISO time after which the attempt fails with cause timeout. */
  readonly deadline: string;
  /** A backup's file URL, so the request can be sent again as it was. */
  readonly location?: string;
}

export interface JobCounts {
  /** Devices tried at least once. */
  readonly attempted: number;
  readonly inFlight: number;
  readonly succeeded: number;
  readonly failed: number;
}

export interface JobProgress {
  /** 1 for the first run; each retry of the failed devices starts the next. */
  readonly pass: number;
  readonly devices: Ledger<DeviceEntry>;
  /**
   * The devices in flight now: at most the job's concurrency, so a list stays small (and an
   * object keyed by MAC would give V8 a new hidden class per device).
   */
  readonly inFlight: readonly InFlight[];
  readonly counts: JobCounts;
  /** Devices settled, and failed, in this pass: what the error threshold is measured on. */
  readonly passSettled: number;
  readonly passFailed: number;
}

/** What asked for a device: the job's run, or the device's hello (the seed's online check). */
export type Trigger = 'run' | 'hello';

export const initialProgress: JobProgress = {
  pass: 1,
  devices: emptyLedger<DeviceEntry>(),
  inFlight: [],
  counts: { attempted: 0, inFlight: 0, succeeded: 0, failed: 0 },
  passSettled: 0,
  passFailed: 0,
};

export const deviceEntry = (progress: JobProgress, mac: string): DeviceEntry | undefined => ledgerGet(progress.devices, mac);

export const inFlightOf = (progress: JobProgress, mac: string): InFlight | undefined => progress.inFlight.find((flight) => flight.mac === mac);

export const hasSucceeded = (progress: JobProgress, mac: string): boolean => deviceEntry(progress, mac)?.status === 'succeeded';

/** The attempt a new dispatch of this device would be. */
export const nextAttempt = (progress: JobProgress, mac: string): number => (deviceEntry(progress, mac)?.attempts ?? 0) + 1;

/**
 * Why the device may not be dispatched now, or undefined when it may. A run tries each device
 * once per pass; a hello may try again any device without a success (the seed's rule).
 */
export function whyNotDispatchable(progress: JobProgress, mac: string, trigger: Trigger, concurrency: number): string | undefined {
  const entry = deviceEntry(progress, mac);
  if (inFlightOf(progress, mac) !== undefined) return 'it is in flight';
  if (entry?.status === 'succeeded') return 'it already succeeded in this job';
  if (progress.counts.inFlight >= concurrency) return `${concurrency} devices are in flight`;
  if (trigger === 'run' && entry !== undefined && entry.pass >= progress.pass) return 'it was tried in this pass';
  return undefined;
}

function withStatus(counts: JobCounts, from: DeviceStatus | undefined, to: DeviceStatus): JobCounts {
  const key = { 'in-flight': 'inFlight', succeeded: 'succeeded', failed: 'failed' } as const;
  const next = { ...counts };
  if (from === undefined) next.attempted += 1;
  else next[key[from]] -= 1;
  next[key[to]] += 1;
  return next;
}

export function dispatched(progress: JobProgress, mac: string, attempt: number, deadline: string, location?: string): JobProgress {
  const entry = deviceEntry(progress, mac);
  return {
    ...progress,
    devices: ledgerSet(progress.devices, mac, { status: 'in-flight', attempts: attempt, pass: progress.pass }),
    inFlight: [...progress.inFlight, { mac, attempt, deadline, ...(location === undefined ? {} : { location }) }],
    counts: withStatus(progress.counts, entry?.status, 'in-flight'),
  };
}

/** True when this exact attempt is in flight. */
export const isInFlight = (progress: JobProgress, mac: string, attempt: number): boolean => inFlightOf(progress, mac)?.attempt === attempt;

/** A failed attempt that the device's next hello shows succeeded after all (e.g. after a timeout). */
export function isLateSuccess(progress: JobProgress, mac: string, attempt: number): boolean {
  const entry = deviceEntry(progress, mac);
  return entry?.status === 'failed' && entry.attempts === attempt && inFlightOf(progress, mac) === undefined;
}

const without = (inFlight: readonly InFlight[], mac: string): InFlight[] => inFlight.filter((flight) => flight.mac !== mac);

export function settled(progress: JobProgress, mac: string, outcome: 'succeeded' | 'failed'): JobProgress {
  const entry = deviceEntry(progress, mac);
  const wasInFlight = inFlightOf(progress, mac) !== undefined;
  const samePass = entry?.pass === progress.pass;
  return {
    ...progress,
    devices: ledgerSet(progress.devices, mac, { status: outcome, attempts: entry?.attempts ?? 1, pass: entry?.pass ?? progress.pass }),
    inFlight: wasInFlight ? without(progress.inFlight, mac) : progress.inFlight,
    counts: withStatus(progress.counts, entry?.status, outcome),
    // A late success corrects a failure already counted in its pass.
    passSettled: progress.passSettled + (wasInFlight && samePass ? 1 : 0),
    passFailed: progress.passFailed + (samePass ? (outcome === 'failed' ? 1 : 0) - (wasInFlight ? 0 : 1) : 0),
  };
}

export interface Dispatch {
  readonly mac: string;
  readonly attempt: number;
  readonly trigger: Trigger;
  readonly location?: string;
}

/** The progress after dispatching these devices in order, or undefined when one of them may not be. */
export function dispatchAll(progress: JobProgress, devices: readonly Dispatch[], deadline: string, concurrency: number): JobProgress | undefined {
  let next = progress;
  for (const device of devices) {
    if (device.attempt !== nextAttempt(next, device.mac) || whyNotDispatchable(next, device.mac, device.trigger, concurrency) !== undefined) return undefined;
    next = dispatched(next, device.mac, device.attempt, deadline, device.location);
  }
  return next;
}

export interface Settlement {
  readonly mac: string;
  readonly attempt: number;
  readonly outcome: 'succeeded' | 'failed';
  readonly via?: 'result' | 'hello';
}

/** Whether this attempt may end so: it is in flight, or it failed and the device's hello shows it succeeded. */
export const maySettle = (progress: JobProgress, device: Settlement): boolean =>
  isInFlight(progress, device.mac, device.attempt) ||
  (device.outcome === 'succeeded' && device.via === 'hello' && isLateSuccess(progress, device.mac, device.attempt));

/** The progress after these attempts ended in order, or undefined when one of them may not. */
export function settleAll(progress: JobProgress, devices: readonly Settlement[]): JobProgress | undefined {
  let next = progress;
  for (const device of devices) {
    if (!maySettle(next, device)) return undefined;
    next = settled(next, device.mac, device.outcome);
  }
  return next;
}

export const retried = (progress: JobProgress): JobProgress => ({ ...progress, pass: progress.pass + 1, passSettled: 0, passFailed: 0 });

export interface ErrorThreshold {
  /** Stop when more than this share (in %) of the devices settled in the pass failed. */
  readonly percent: number;
  /** ...and at least this many settled; default 1. */
  readonly minSettled?: number;
}

export function exceedsThreshold(progress: JobProgress, threshold: ErrorThreshold | undefined): boolean {
  if (threshold === undefined) return false;
  const { passSettled, passFailed } = progress;
  return passSettled >= (threshold.minSettled ?? 1) && passFailed * 100 > threshold.percent * passSettled;
}

/** The attempts whose deadline has passed. */
export function overdue(progress: JobProgress, now: Date): { readonly mac: Mac; readonly attempt: number }[] {
  const at = now.getTime();
  const due: { mac: Mac; attempt: number }[] = [];
  for (const { mac, attempt, deadline } of progress.inFlight) {
    if (isMac(mac) && new Date(deadline).getTime() <= at) due.push({ mac, attempt });
  }
  return due;
}

/** The earliest deadline of the attempts in flight, as epoch ms. */
export function nextDeadline(progress: JobProgress): number | undefined {
  let earliest: number | undefined;
  for (const flight of progress.inFlight) {
    const at = new Date(flight.deadline).getTime();
    if (earliest === undefined || at < earliest) earliest = at;
  }
  return earliest;
}
