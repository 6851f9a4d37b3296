// Following the global log from its end: what a live part of the hub must hear of events
// appended from now on, by whichever node. The past is in the actors' state. A part that read
// the log at start-up follows from where that read ended instead, so no event falls between.
import type { EventFilter, EventStore, Position, RecordedEvent } from '../../domain/ports/event-store.js';

export interface LogFollower {
  close(): Promise<void>;
}

/**
 * Hands every matching event appended from now on (or after `after`, exclusive) to `onEvent`;
 * `onError` hears if the subscription breaks.
 */
export function followLog(
  store: EventStore,
  filter: EventFilter,
  onEvent: (event: RecordedEvent) => void,
  onError: (error: unknown) => void,
  after: Position | 'end' = 'end',
): LogFollower {
  const subscription = store.subscribeToAll({ after, filter });
  const done = (async () => {
    try {
      for await (const event of subscription) onEvent(event);
    } catch (error) {
      onError(error);
    }
  })();
  return {
    close: async () => {
      await subscription.close();
      await done;
    },
  };
}
