// The EventStoreDB client's errors, as the client builds them from what the server sends,
// translated to the port's.
import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  CancelledError,
  DeadlineExceededError,
  StreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
  convertToCommandError,
} from '@eventstore/db-client';
import type { AppendExpectedRevision } from '@eventstore/db-client';
import { describe, expect, it } from 'vitest';
import { TetherError } from '../../domain/errors.js';
import { StreamNotFound, WrongExpectedVersion } from '../../domain/ports/event-store.js';
import type { ExpectedRevision } from '../../domain/ports/event-store.js';
import { translateError } from '../../store/eventstoredb-errors.js';

/** A gRPC failure as grpc-js reports it: its status, the server's text, and the trailers. */
const statusError = (code: number, status: string, details: string, trailers: Record<string, string> = {}): Error =>
  Object.assign(new Error(`${code} ${status}: ${details}`), { code, details, metadata: { getMap: () => trailers } });

/** A failure the server names: the error kind and its details in the trailers. */
const serverError = (trailers: Record<string, string>): Error => statusError(9, 'FAILED_PRECONDITION', 'server said no', trailers);

describe('errors from the client', () => {
  it('turns WrongExpectedVersionError into WrongExpectedVersion with the actual revision', () => {
    const error = translateError(
      new WrongExpectedVersionError(undefined, { streamName: 'tenant-1', expected: 3n, current: 5n }),
    );
    expect(error).toBeInstanceOf(WrongExpectedVersion);
    expect(error).toMatchObject({ code: 'wrong_expected_version', stream: 'tenant-1', expected: 3, actual: 5 });
  });

  it("reports the caller's expected revision when given, whatever the server echoed", () => {
    const echoedAny = new WrongExpectedVersionError(undefined, { streamName: 'tenant-5', expected: ANY, current: 2n });
    expect(translateError(echoedAny, 1)).toMatchObject({ stream: 'tenant-5', expected: 1, actual: 2 });
    expect(translateError(echoedAny)).toMatchObject({ expected: 'any', actual: 2 });
  });

  it.each<[AppendExpectedRevision, ExpectedRevision]>([
    [NO_STREAM, 'no_stream'],
    [STREAM_EXISTS, 'stream_exists'],
    [ANY, 'any'],
    [0n, 0],
  ])("reports a missing stream as actual 'no_stream' (expected %s)", (expected, port) => {
    const error = translateError(
      new WrongExpectedVersionError(undefined, {
        streamName: 'tenant-2',
        expected,
        current: NO_STREAM,
      }),
    );
    expect(error).toBeInstanceOf(WrongExpectedVersion);
    expect(error).toMatchObject({ stream: 'tenant-2', expected: port, actual: 'no_stream' });
  });

  it('translates the wrong-expected-version trailers the server sends', () => {
    const withActual = convertToCommandError(
      serverError({
        exception: 'wrong-expected-version',
        'stream-name': 'device-aabbccddeeff',
        'expected-version': '1',
        'actual-version': '2',
      }),
    );
    expect(withActual).toBeInstanceOf(WrongExpectedVersionError);
    expect(translateError(withActual)).toMatchObject({ stream: 'device-aabbccddeeff', expected: 1, actual: 2 });
    const withoutActual = convertToCommandError(
      serverError({ exception: 'wrong-expected-version', 'stream-name': 'device-1', 'expected-version': '0' }),
    );
    expect(translateError(withoutActual)).toMatchObject({ stream: 'device-1', expected: 0, actual: 'no_stream' });
  });

  it('turns StreamNotFoundError into StreamNotFound, whatever form the name takes', () => {
    const byName = translateError(new StreamNotFoundError(undefined, 'tenant-9'));
    expect(byName).toBeInstanceOf(StreamNotFound);
    expect(byName).toMatchObject({ code: 'stream_not_found', stream: 'tenant-9' });
    const byBytes = translateError(new StreamNotFoundError(undefined, new TextEncoder().encode('tenant-é')));
    expect(byBytes).toMatchObject({ stream: 'tenant-é' });
    const fromServer = convertToCommandError(serverError({ exception: 'stream-not-found', 'stream-name': 'tenant-3' }));
    expect(translateError(fromServer)).toMatchObject({ code: 'stream_not_found', stream: 'tenant-3' });
  });

  it('calls the server unavailable when it cannot be reached, is not the leader, or cancelled or timed out a call', () => {
    const transient = [
      new UnavailableError(undefined, 'no connection'),
      convertToCommandError(Object.assign(serverError({ exception: 'not-leader', 'leader-endpoint-host': 'node-2', 'leader-endpoint-port': '2113' }), { code: 5 })),
      Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 }),
      new CancelledError(undefined, 'cancelled'),
      new DeadlineExceededError(undefined, 'deadline'),
    ];
    for (const error of transient) {
      const translated = translateError(error);
      expect(translated).toBeInstanceOf(TetherError);
      expect(translated).toMatchObject({ code: 'unavailable', message: expect.stringContaining(error.message) as string });
    }
  });

  it("turns the server's refusal to read from a position that is no event's into invalid_position", () => {
    const refusals = [
      // RpcExceptions.InvalidPositionException, of the servers the adapter supports.
      statusError(3, 'INVALID_ARGUMENT', 'Trying to read from an invalid position.'),
      // ReadAllResult.InvalidPosition as older servers reported it.
      statusError(2, 'UNKNOWN', 'Unexpected ReadAllResult: InvalidPosition'),
    ];
    for (const refusal of refusals) {
      const error = convertToCommandError(refusal);
      expect(error).toBeInstanceOf(UnknownError);
      expect(translateError(error)).toMatchObject({ code: 'invalid_position', details: ['after'] });
    }
    const otherArgument = convertToCommandError(statusError(3, 'INVALID_ARGUMENT', "'x' is not a valid position filter"));
    expect(translateError(otherArgument)).toBe(otherArgument);
  });

  it('passes every other error through unchanged', () => {
    const others = [
      StreamDeletedError.fromStreamName('tenant-4'),
      new Error('socket hang up'),
      new TetherError('invalid_event', 'bad'),
      'a string',
    ];
    for (const error of others) expect(translateError(error)).toBe(error);
  });
});
