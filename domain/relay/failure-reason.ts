// Why POST /remote/rsstatus answered FAILURE: one code per condition of the seed
// (relay-registration.txt, "Possible Errors"), and a few of Tether's own.
import * as t from 'io-ts';

// not_approved and internal_error are spelled as the security review that asked for them did,
// and relays may already match on them.
export const RelayFailureReason = t.keyof({
  /** The body is not a register, unregister or status message (not JSON, unknown type, wrong field types). */
  'invalid-message': null,
  /** name is empty or not a relay name (letters, digits, `.`, `_`, `-`; at most 63; not `hub`). */
  'name-invalid': null,
  /** The seed: "The hostName ... fields are not populated". */
  'host-name-missing': null,
  /** hostName (or externalHostName, alternateHostName) is not a host name or IP address. */
  'host-name-invalid': null,
  /** The seed: "The ... token fields are not populated". */
  'token-missing': null,
  /** The seed: "The maxSessions is set to less than 1" (or it is missing, or not a whole number). */
  'max-sessions-invalid': null,
  /** port (where agents dial back) is missing or not 1-65535. */
  'port-invalid': null,
  /** The seed: "The token does not match the token sent in previously". */
  'token-mismatch': null,
  /** The seed (status): "The current number of sessions is less than 0" (or missing). */
  'sessions-count-negative': null,
  /** The seed (status): "The GAS Thing does not exist"; also unregister of a name never registered. */
  'relay-unknown': null,
  /** A status from a relay no admin (or join secret) has approved yet: it carries no sessions, so it has none to report. */
  not_approved: null,
  /** A status lists more sessions than the relay's maxSessions, or than any status may (maxSessionsPerStatus). */
  'sessions-too-many': null,
  /** Too many new relays awaiting approval registered from this address this hour. */
  'rate-limited': null,
  /** The hub failed to handle the message (its log says why); try again later. */
  internal_error: null,
});
export type RelayFailureReason = t.TypeOf<typeof RelayFailureReason>;

export const relayFailureReasons: readonly RelayFailureReason[] = Object.keys(RelayFailureReason.keys) as RelayFailureReason[];
