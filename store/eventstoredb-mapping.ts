// Pure translation between the EventStore port and @eventstore/db-client, so every rule
// of the EventStoreDB adapter is unit-tested without a server.
//
// Global position = the event's commit position in the transaction log, as a number
// (exact below 2^53). A Position also has a prepare part; it differs from the commit
// part only for events written in an explicit transaction, which the gRPC API (and so
// this client) cannot create. Hence a port position p maps back to {commit: p, prepare: p}.
// Sources: an EventStoreDB maintainer in github.com/kurrent-io/KurrentDB/issues/3989 ("prepare
// position can only be different if you use explicit transactions"); an append returns the
// last event's commit position (github.com/kurrent-io/EventStore-Client-Go/issues/88).
import {
  ANY,
  BACKWARDS,
  END,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  CancelledError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NotLeaderError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  eventTypeFilter,
  excludeSystemEvents,
  isSystemStream,
  jsonEvent,
  streamNameFilter,
} from '@eventstore/db-client';
import type {
  AllStreamResolvedEvent,
  AppendExpectedRevision,
  AppendToStreamOptions,
  EventData,
  Filter,
  Position,
  ReadAllOptions as ClientReadAllOptions,
  ReadPosition,
  ReadRevision,
  ReadStreamOptions as ClientReadStreamOptions,
  ResolvedEvent,
  SubscribeToAllOptions as ClientSubscribeToAllOptions,
  AppendResult as ClientAppendResult,
} from '@eventstore/db-client';
import { createHash, randomUUID } from 'node:crypto';
import { TetherError } from '../domain/errors.js';
import { EventMetadata } from '../domain/event-metadata.js';
import { beforeFirst, keptPosition, StreamNotFound, WrongExpectedVersion } from '../domain/ports/event-store.js';
import type {
  AppendResult,
  EventFilter,
  EventToAppend,
  ExpectedRevision,
  Position as PortPosition,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
} from '../domain/ports/event-store.js';
import { assertAppendSize } from './event-validation.js';

function toUint64(value: number, what: string): bigint {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new TetherError('validation_failed', `${what} must be a non-negative integer, got ${String(value)}`, [what]);
  }
  return BigInt(value);
}

export function toExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return toUint64(expected, 'expectedRevision');
  }
}

export function fromExpectedRevision(expected: AppendExpectedRevision): ExpectedRevision {
  return typeof expected === 'bigint' ? Number(expected) : expected;
}

export interface AppendRequest {
  readonly events: EventData[];
  readonly options: AppendToStreamOptions;
}

/**
 * An event's id from its content hash (which covers its stream, revision, content and the hash
 * before it): an append retried after a lost answer sends the same ids, so the server's
 * idempotency keeps one copy. A version-8 UUID, as RFC 9562 allows for ids derived this way.
 * An event without a hash (none the runtime writes) gets a random id: one derived from nothing
 * would make the server drop it as a copy of another.
 */
export function eventIdOf(hash: string): string {
  if (hash === '') return randomUUID();
  const hex = createHash('sha256').update(hash).digest('hex');
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The request for an append: ids derived from the events, the expected revision, and only to
 * the leader (a follower's answer could be stale). Refused before sending when it is larger
 * than the server takes in one append.
 */
export function toAppendRequest(events: readonly EventToAppend[], expected: ExpectedRevision): AppendRequest {
  assertAppendSize(events.map(({ type, data, metadata }) => ({ type, data: JSON.stringify(data), metadata: JSON.stringify(metadata) })));
  return {
    events: events.map(({ type, data, metadata }) => jsonEvent({ id: eventIdOf(metadata.hash), type, data, metadata })),
    options: { expectedRevision: toExpectedRevision(expected), requiresLeader: true },
  };
}

/** Whether a stream whose last revision is `actual` satisfies `expected`, as the server decides. */
export function meetsExpectedRevision(expected: ExpectedRevision, actual: number | 'no_stream'): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === 'no_stream';
    case 'stream_exists':
      return actual !== 'no_stream';
    default:
      return expected === actual;
  }
}

export function fromAppendResult(result: ClientAppendResult): AppendResult {
  return {
    nextRevision: Number(result.nextExpectedRevision),
    position: result.position === undefined ? beforeFirst : keptPosition(Number(result.position.commit)),
  };
}

/** The port's maxCount as a number of events; unbounded when absent. */
export function toLimit(maxCount: number | undefined): number {
  if (maxCount === undefined) return Number.POSITIVE_INFINITY;
  return Number(toUint64(maxCount, 'maxCount'));
}

/**
 * A read of maxCount 0 still asks the server for one event, so that a missing stream is
 * reported as such; the caller keeps at most maxCount events.
 */
export function toReadStreamOptions(options: ReadStreamOptions = {}): ClientReadStreamOptions {
  const direction = options.direction === 'backwards' ? BACKWARDS : FORWARDS;
  const from = options.fromRevision ?? (direction === BACKWARDS ? 'end' : 'start');
  const fromRevision: ReadRevision =
    from === 'start' ? START : from === 'end' ? END : toUint64(from, 'fromRevision');
  // Streams are read to decide commands: from the leader, never a follower that may lag.
  const request: ClientReadStreamOptions = { direction, fromRevision, resolveLinkTos: false, requiresLeader: true };
  const limit = toLimit(options.maxCount);
  return limit === Number.POSITIVE_INFINITY ? request : { ...request, maxCount: Math.max(limit, 1) };
}

export function toPosition(position: number): Position {
  const commit = toUint64(position, 'position');
  return { commit, prepare: commit };
}

// beforeFirst is a checkpoint from before the first event: read from the start.
function toReadPosition(after: PortPosition | 'end' | undefined): ReadPosition {
  if (after === undefined || after === beforeFirst) return START;
  if (after === 'end') return END;
  return toPosition(after);
}

/**
 * Reads $all forwards from `after` itself (EventStoreDB reads are inclusive): the caller skips
 * the events up to `after` (readsPast). The port's maxCount is applied by the caller after
 * system events are skipped, so it is not sent: a server-side count would also count them.
 */
export function toReadAllOptions(options: ReadAllOptions = {}): ClientReadAllOptions {
  return { direction: FORWARDS, fromPosition: toReadPosition(options.after), resolveLinkTos: false };
}

/** Whether a read from `after` (inclusive on the server) has reached an event the port returns. */
export const readsPast = (event: RecordedEvent, after: PortPosition | undefined): boolean => after === undefined || event.position > after;

/**
 * The very first event of the database (a system event the server writes when it is created):
 * its id names the database for as long as it exists, whichever node answers.
 */
export const identityReadOptions: ClientReadAllOptions = {
  direction: FORWARDS,
  fromPosition: START,
  maxCount: 1,
  resolveLinkTos: false,
};

export function toIdentity(first: AllStreamResolvedEvent | undefined): string {
  const id = first?.event?.id;
  if (id === undefined) throw new TetherError('unavailable', 'EventStoreDB returned no first event to name the database by');
  return `eventstoredb:${id}`;
}

/** The newest event first; the caller stops at the first non-system event. */
export const headPositionReadOptions: ClientReadAllOptions = {
  direction: BACKWARDS,
  fromPosition: END,
  resolveLinkTos: false,
};

/**
 * The server filters by one criterion only, by prefix: stream prefixes when given, else
 * event types as prefixes, else system events out. `matchesFilter` then applies the exact
 * port semantics to what arrives.
 */
export function toServerFilter(filter: EventFilter = {}): Filter {
  const streamPrefixes = filter.streamPrefixes ?? [];
  const eventTypes = filter.eventTypes ?? [];
  if (streamPrefixes.length > 0) return streamNameFilter({ prefixes: [...streamPrefixes] });
  if (eventTypes.length > 0) return eventTypeFilter({ prefixes: [...eventTypes] });
  return excludeSystemEvents();
}

/**
 * Subscriptions deliver the events after `after` ("the positions provided to the
 * subscriptions are exclusive", EventStoreDB client docs, Subscription basics): the port's
 * checkpoint semantics.
 */
export function toSubscribeToAllOptions(options: SubscribeToAllOptions = {}): ClientSubscribeToAllOptions {
  return {
    fromPosition: toReadPosition(options.after),
    resolveLinkTos: false,
    filter: toServerFilter(options.filter),
  };
}

export const isSystemEvent = (stream: string, type: string): boolean =>
  isSystemStream(stream) || type.startsWith('$');

/** The exact port filter; an absent or empty list does not constrain. */
export function matchesFilter(event: Pick<RecordedEvent, 'stream' | 'type'>, filter: EventFilter = {}): boolean {
  if (isSystemEvent(event.stream, event.type)) return false;
  const streamPrefixes = filter.streamPrefixes ?? [];
  const eventTypes = filter.eventTypes ?? [];
  if (streamPrefixes.length > 0 && !streamPrefixes.some((prefix) => event.stream.startsWith(prefix))) return false;
  return eventTypes.length === 0 || eventTypes.includes(event.type);
}

// Servers before 22.6 send the largest uint64 for the position of an event read from its stream.
const unreportedPosition = 2n ** 64n - 1n;
const reported = (commit: bigint | undefined): bigint | undefined =>
  commit === unreportedPosition ? undefined : commit;

const isJsonObject = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);

/**
 * Maps a resolved event to the port's RecordedEvent. A user event whose data is not a JSON
 * object or whose metadata fails the EventMetadata codec is corrupt: it fails loudly.
 */
export function toRecordedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent {
  const { event } = resolved;
  if (event === undefined) {
    throw new TetherError('corrupt_event', 'EventStoreDB returned a resolved event without an event');
  }
  const at = `${event.streamId}@${event.revision.toString()} (${event.type})`;
  const commit = reported(event.position?.commit) ?? reported(resolved.commitPosition);
  if (commit === undefined) {
    throw new TetherError(
      'invalid_configuration',
      `EventStoreDB did not report the position of ${at}: EventStoreDB 22.6 or later is required`,
    );
  }
  const { data, metadata } = event;
  if (!isJsonObject(data)) {
    throw new TetherError('corrupt_event', `event ${at} has no JSON object as data`, ['data']);
  }
  if (!EventMetadata.is(metadata)) {
    throw new TetherError('corrupt_event', `event ${at} has no valid Tether metadata`, ['metadata']);
  }
  return {
    stream: event.streamId,
    revision: Number(event.revision),
    position: keptPosition(Number(commit)),
    type: event.type,
    data,
    metadata,
  };
}

/**
 * Whether another program wrote the event into the same store: every event Tether writes has
 * a hash in its metadata (the hash chain). One that has it and is broken is corrupt, not foreign.
 */
export function isForeign(resolved: ResolvedEvent | AllStreamResolvedEvent): boolean {
  const metadata = resolved.event?.metadata;
  return !isJsonObject(metadata) || typeof metadata['hash'] !== 'string';
}

/**
 * The port event, or undefined for what the reader does not see: system events, unresolved
 * links, events outside the filter, and events another program wrote (`onForeign` counts
 * them: they never stop a reader). The filter runs first, so an event the reader did not ask
 * for is never decoded.
 */
export function toUserEvent(
  resolved: ResolvedEvent | AllStreamResolvedEvent,
  filter?: EventFilter,
  onForeign?: () => void,
): RecordedEvent | undefined {
  const { event } = resolved;
  if (event === undefined || !matchesFilter({ stream: event.streamId, type: event.type }, filter)) return undefined;
  if (isForeign(resolved)) {
    onForeign?.();
    return undefined;
  }
  return toRecordedEvent(resolved);
}

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
