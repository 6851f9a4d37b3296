// Refusals that still append, tolerated by the route fuzz one by one, each as narrow as it can
// be: the operation, the status and code, and exactly the events appended. Each names why it
// is not fixed here; remove its entry once the behaviour changes.
export interface ToleratedAppend {
  /** "METHOD /openapi/path". */
  readonly operation: string;
  readonly status: number;
  readonly code: string;
  /** The event types appended, in order. */
  readonly appended: readonly string[];
}

export const toleratedAppends: readonly ToleratedAppend[] = [
  // A restore of an assigned device that is not connected is recorded (RestoreRequested, then
  // RestoreFailed with cause device-offline) and answered 409, as test/api/restores.int.test.ts
  // asks. Issue 14 wants nothing appended on a 4xx; the restore route is being reworked for the
  // device_unauthenticated guard (issue 14 #1) on another branch, so it is left to that change.
  { operation: 'POST /api/v1/devices/{mac}/restore', status: 409, code: 'device_offline', appended: ['RestoreRequested', 'RestoreFailed'] },
];

export const isTolerated = (operation: string, status: number, code: string, appended: readonly string[]): boolean =>
  toleratedAppends.some(
    (tolerated) =>
      tolerated.operation === operation &&
      tolerated.status === status &&
      tolerated.code === code &&
      tolerated.appended.length === appended.length &&
      tolerated.appended.every((type, i) => appended[i] === type),
  );
