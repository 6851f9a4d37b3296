// Every failure the system reports is a TetherError with a stable code; api/ maps
// codes to HTTP statuses in one place (api/error-status.ts).
export type ErrorCode =
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'already_exists'
  | 'transition_forbidden'
  | 'wrong_expected_version'
  | 'stream_not_found'
  | 'invalid_stream_name'
  | 'invalid_event'
  | 'corrupt_event'
  /** A read of the global log was asked to start after a position no event has. */
  | 'invalid_position'
  | 'rate_limited'
  | 'payload_too_large'
  | 'unavailable'
  /**
   * A hub node refused a request a peer forwarded to it: the marker did not prove the peer sent
   * it (another TETHER_TOKEN_SECRET, clocks too far apart). The forwarding node answers its
   * client unavailable.
   */
  | 'forwarding_refused'
  | 'invalid_configuration'
  | 'internal'
  /** The device is not connected (to this hub node): nothing can reach it now. */
  | 'device_offline'
  /** The device's connection did not prove its device password: nothing is sent to it. */
  | 'device_unauthenticated'
  /** Every port of a configured range is taken. */
  | 'ports_exhausted'
  /** The tenant holds as many open DeviceLinks on the hub (every node together) as one tenant may (--link-max-per-tenant). */
  | 'tenant_link_limit'
  /** A port asked for (a proxy's source port) is taken by another profile or another program. */
  | 'port_in_use'
  /** A provisioning code could not be redeemed; details: ['expired'|'revoked'|'used-up'|'unknown']. */
  | 'provisioning_refused'
  /** A relay's register, unregister or status message was refused; details: [its failure reason]. */
  | 'relay_refused'
  /** The relay a session was asked on is not reporting (or not connected to this hub). */
  | 'relay_offline'
  /** No relay (the hub's own included) is reporting, approved and below its maxSessions. */
  | 'no_relay_available'
  /** A device answered a request with a failure of its own (the message carries its text). */
  | 'device_failed'
  /** Something the hub waited for (e.g. a device's answer) did not come in time. */
  | 'timeout';

export class TetherError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = 'TetherError';
  }
}

export const isTetherError = (error: unknown, code?: ErrorCode): error is TetherError =>
  error instanceof TetherError && (code === undefined || error.code === code);
