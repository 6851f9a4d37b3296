// An event as EventStoreDB returns it, as the port's RecordedEvent; or nothing, for what a
// reader does not see.
import type { AllStreamResolvedEvent, ResolvedEvent } from '@eventstore/db-client';
import { TetherError } from '../domain/errors.js';
import { EventMetadata } from '../domain/event-metadata.js';
import { keptPosition } from '../domain/ports/event-store.js';
import type { EventFilter, RecordedEvent } from '../domain/ports/event-store.js';
import { matchesFilter } from './eventstoredb-filter.js';

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
