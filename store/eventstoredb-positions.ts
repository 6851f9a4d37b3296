// Where the EventStoreDB adapter reads from: the port's positions as the client's.
//
// Global position = the event's commit position in the transaction log, as a number
// (exact below 2^53). A Position also has a prepare part; it differs from the commit
// part only for events written in an explicit transaction, which the gRPC API (and so
// this client) cannot create. Hence a port position p maps back to {commit: p, prepare: p}.
// Sources: an EventStoreDB maintainer in github.com/kurrent-io/KurrentDB/issues/3989 ("prepare
// position can only be different if you use explicit transactions"); an append returns the
// last event's commit position (github.com/kurrent-io/EventStore-Client-Go/issues/88).
import { END, START } from '@eventstore/db-client';
import type { Position, ReadPosition } from '@eventstore/db-client';
import { TetherError } from '../domain/errors.js';
import { beforeFirst } from '../domain/ports/event-store.js';
import type { Position as PortPosition, RecordedEvent } from '../domain/ports/event-store.js';

/** The client's unsigned 64-bit form of a count, revision or position; refused before any I/O. */
export function toUint64(value: number, what: string): bigint {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new TetherError('validation_failed', `${what} must be a non-negative integer, got ${String(value)}`, [what]);
  }
  return BigInt(value);
}

export function toPosition(position: number): Position {
  const commit = toUint64(position, 'position');
  return { commit, prepare: commit };
}

// beforeFirst is a checkpoint from before the first event: read from the start.
export function toReadPosition(after: PortPosition | 'end' | undefined): ReadPosition {
  if (after === undefined || after === beforeFirst) return START;
  if (after === 'end') return END;
  return toPosition(after);
}

/** Whether a read from `after` (inclusive on the server) has reached an event the port returns. */
export const readsPast = (event: RecordedEvent, after: PortPosition | undefined): boolean => after === undefined || event.position > after;
