// Which events of $all a reader sees: what the server can filter, and the port's exact filter
// applied to what arrives.
import { eventTypeFilter, excludeSystemEvents, isSystemStream, streamNameFilter } from '@eventstore/db-client';
import type { Filter } from '@eventstore/db-client';
import type { EventFilter, RecordedEvent } from '../domain/ports/event-store.js';

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
