// The EventStoreDB client's errors as the port's: the conditions the port names become domain
// errors, a server worth trying again is `unavailable`, and everything else passes through.
import {
  CancelledError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NotLeaderError,
  StreamNotFoundError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { TetherError } from '../domain/errors.js';
import { StreamNotFound, WrongExpectedVersion } from '../domain/ports/event-store.js';
import type { ExpectedRevision } from '../domain/ports/event-store.js';
import { fromExpectedRevision } from './eventstoredb-append-request.js';

// gRPC status codes CANCELLED, DEADLINE_EXCEEDED and UNAVAILABLE: some calls (appends) fail with
// the bare gRPC error rather than the client's own class for it.
const transientStatuses: ReadonlySet<unknown> = new Set([1, 4, 14]);

export const isTransient = (error: unknown): error is Error =>
  error instanceof UnavailableError ||
  error instanceof NotLeaderError ||
  error instanceof CancelledError ||
  error instanceof DeadlineExceededError ||
  (error instanceof Error && 'code' in error && transientStatuses.has(error.code));

/**
 * A read of $all from a position that is no event's. The server sends no error kind the client
 * knows for it, so the client reports an UnknownError carrying the server's text: "Trying to read
 * from an invalid position." (INVALID_ARGUMENT, RpcExceptions.InvalidPositionException) from the
 * servers this adapter supports, "Unexpected ReadAllResult: InvalidPosition" (UNKNOWN) from older
 * ones.
 */
const isInvalidPosition = (error: unknown): error is UnknownError =>
  error instanceof UnknownError && /invalid ?position/i.test(error.message);

/**
 * Domain errors for the conditions the port names; every other error passes through.
 * `expected` is the caller's own expected revision: reported as asked, whatever the server echoes.
 * A server that cannot be reached, is not the leader, or cancelled or timed out a call (a
 * leader election, a rolling restart, a network blip) is `unavailable`: worth trying again.
 */
export function translateError(error: unknown, expected?: ExpectedRevision): unknown {
  if (error instanceof WrongExpectedVersionError) {
    const actual = typeof error.actualVersion === 'bigint' ? Number(error.actualVersion) : 'no_stream';
    return new WrongExpectedVersion(error.streamName, expected ?? fromExpectedRevision(error.expectedVersion), actual);
  }
  if (error instanceof StreamNotFoundError) return new StreamNotFound(error.streamName);
  if (isTransient(error)) return new TetherError('unavailable', `EventStoreDB is unavailable (${error.message})`);
  if (error instanceof MaxAppendSizeExceededError) return new TetherError('payload_too_large', `EventStoreDB refused the append: ${error.message}`);
  if (isInvalidPosition(error)) {
    return new TetherError('invalid_position', `EventStoreDB refused the position as no event's (${error.message}): read after a position the store gave out`, ['after']);
  }
  return error;
}

/**
 * The client's parse errors quote the offending part of the connection string, which can
 * hold a password: keep only where it is and what was expected.
 */
export function toConfigurationError(error: unknown): TetherError {
  const reason = error instanceof Error ? error.message.replace(/^Unexpected ".*" at/s, 'unexpected input at') : 'unknown error';
  return new TetherError(
    'invalid_configuration',
    `invalid EventStoreDB connection string (expected esdb://host:port or esdb+discover://host:port): ${reason}`,
    ['connectionString'],
  );
}
