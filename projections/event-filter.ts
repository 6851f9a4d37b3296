import type { EventFilter, RecordedEvent } from '../domain/ports/event-store.js';

/** Both criteria must hold when both are given, as in the EventStore port. */
export function matchesFilter(filter: EventFilter | undefined, event: RecordedEvent): boolean {
  if (filter === undefined) return true;
  const { streamPrefixes, eventTypes } = filter;
  if (streamPrefixes !== undefined && !streamPrefixes.some((prefix) => event.stream.startsWith(prefix))) return false;
  if (eventTypes !== undefined && !eventTypes.includes(event.type)) return false;
  return true;
}
