// The one place where a TetherError code becomes an HTTP status.
import type { ErrorCode } from '../domain/errors.js';

export const errorStatus: Readonly<Record<ErrorCode, number>> = {
  validation_failed: 400,
  invalid_stream_name: 400,
  invalid_event: 400,
  unauthenticated: 401,
  forbidden: 403,
  provisioning_refused: 403,
  not_found: 404,
  stream_not_found: 404,
  already_exists: 409,
  device_offline: 409,
  transition_forbidden: 409,
  wrong_expected_version: 409,
  payload_too_large: 413,
  rate_limited: 429,
  corrupt_event: 500,
  invalid_configuration: 500,
  internal: 500,
  unavailable: 503,
  ports_exhausted: 503,
};
