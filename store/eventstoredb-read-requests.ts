// The reads the EventStoreDB adapter sends: a stream, $all, a subscription to $all, and the two
// single-event reads that find the database's identity and head.
import { BACKWARDS, END, FORWARDS, START } from '@eventstore/db-client';
import type {
  AllStreamResolvedEvent,
  ReadAllOptions as ClientReadAllOptions,
  ReadRevision,
  ReadStreamOptions as ClientReadStreamOptions,
  SubscribeToAllOptions as ClientSubscribeToAllOptions,
} from '@eventstore/db-client';
import { TetherError } from '../domain/errors.js';
import type { ReadAllOptions, ReadStreamOptions, SubscribeToAllOptions } from '../domain/ports/event-store.js';
import { toServerFilter } from './eventstoredb-filter.js';
import { toReadPosition, toUint64 } from './eventstoredb-positions.js';

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

/**
 * Reads $all forwards from `after` itself (EventStoreDB reads are inclusive): the caller skips
 * the events up to `after` (readsPast). The port's maxCount is applied by the caller after
 * system events are skipped, so it is not sent: a server-side count would also count them.
 */
export function toReadAllOptions(options: ReadAllOptions = {}): ClientReadAllOptions {
  return { direction: FORWARDS, fromPosition: toReadPosition(options.after), resolveLinkTos: false };
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
