// Following the global log from its end: what a live part of the hub must hear of events
// appended from now on, by whichever node. The past is in the actors' state.
import type { EventFilter, EventStore, RecordedEvent } from '../../domain/ports/event-store.js';

export interface LogFollower {
  close(): Promise<void>;
}

/** Hands every matching event appended from now on to `onEvent`; `onError` hears if the subscription breaks. */
export function followLog(store: EventStore, filter: EventFilter, onEvent: (event: RecordedEvent) => void, onError: (error: unknown) => void): LogFollower {
  const subscription = store.subscribeToAll({ after: 'end', filter });
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
