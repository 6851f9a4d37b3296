import * as t from 'io-ts';

/**
 * Why a link or one of its streams ended; auditors read it, so the set is closed.
 * - deleted: DELETE with the link's token.
 * - client-closed / device-closed: that side ended the connection.
 * - idle-timeout: a UDP link saw no datagram for its `timeout`.
 * - lifetime-expired: a TCP link reached the end of its `lifetime`.
 * - device-offline: the device's control connection dropped.
 * - target-refused: the agent would not or could not reach the device port.
 * - hub-shutdown / relay-lost: the process holding the sockets stopped or was lost.
 * - hub-lost: the hub node holding it stopped renewing its lease; a peer ended it.
 * - error: anything else; the hub logs the details.
 */
export const TerminationCause = t.keyof({
  deleted: null,
  'client-closed': null,
  'device-closed': null,
  'idle-timeout': null,
  'lifetime-expired': null,
  'device-offline': null,
  'target-refused': null,
  'hub-shutdown': null,
  'relay-lost': null,
  'hub-lost': null,
  error: null,
});
export type TerminationCause = t.TypeOf<typeof TerminationCause>;

export const terminationCauses: readonly TerminationCause[] = Object.keys(TerminationCause.keys) as TerminationCause[];
