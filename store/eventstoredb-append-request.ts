// An append as the EventStoreDB client takes it, and its answer as the port gives it.
import { ANY, NO_STREAM, STREAM_EXISTS, jsonEvent } from '@eventstore/db-client';
import type { AppendExpectedRevision, AppendToStreamOptions, EventData, AppendResult as ClientAppendResult } from '@eventstore/db-client';
import { createHash, randomUUID } from 'node:crypto';
import { beforeFirst, keptPosition } from '../domain/ports/event-store.js';
import type { AppendResult, EventToAppend, ExpectedRevision } from '../domain/ports/event-store.js';
import { assertAppendSize } from './event-validation.js';
import { toUint64 } from './eventstoredb-positions.js';

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
