// A test double at the store's boundary: the store as it is, except that chosen subscriptions
// fail as `unavailable` (as EventStoreDB's do in a leader election) after delivering some events.
import { TetherError } from '../../domain/errors.js';
import type { AllSubscription, EventStore, RecordedEvent, SubscribeToAllOptions } from '../../domain/ports/event-store.js';

export interface DroppingStore extends EventStore {
  /** Subscriptions made so far, with the options each was made with. */
  readonly subscribed: SubscribeToAllOptions[];
}

const leaderLost = (): TetherError => new TetherError('unavailable', 'EventStoreDB is unavailable (test double: the leader stepped down)');

/**
 * `dropAfter(n)`: the n-th subscription (0-based) fails after delivering that many events;
 * undefined: never. `failure`: what it fails with (default: unavailable).
 */
export function droppingStore(
  store: EventStore,
  dropAfter: (subscription: number, options: SubscribeToAllOptions) => number | undefined,
  failure: () => Error = leaderLost,
): DroppingStore {
  const subscribed: SubscribeToAllOptions[] = [];
  return {
    subscribed,
    append: (stream, events, expected) => store.append(stream, events, expected),
    readStream: (stream, options) => store.readStream(stream, options),
    readAll: (options) => store.readAll(options),
    headPosition: () => store.headPosition(),
    identity: () => store.identity(),
    close: () => store.close(),
    subscribeToAll(options = {}) {
      const limit = dropAfter(subscribed.length, options);
      subscribed.push(options);
      const inner = store.subscribeToAll(options);
      if (limit === undefined) return inner;
      const dropping: AllSubscription = {
        close: () => inner.close(),
        async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
          let delivered = 0;
          for await (const event of inner) {
            if (delivered === limit) {
              await inner.close();
              throw failure();
            }
            delivered += 1;
            yield event;
          }
        },
      };
      return dropping;
    },
  };
}
