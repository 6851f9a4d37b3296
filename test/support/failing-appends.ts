// A test double at the store's boundary: the store as it is, except that the next appends to
// streams of one category fail as a store that is unavailable would.
import { TetherError } from '../../domain/errors.js';
import type { EventStore } from '../../domain/ports/event-store.js';

export interface FailingAppends extends EventStore {
  /** The next `count` appends to streams starting with `prefix` fail. */
  failNext(prefix: string, count?: number): void;
}

export function failingAppends(store: EventStore): FailingAppends {
  const failing = new Map<string, number>();
  return {
    failNext(prefix, count = 1) {
      failing.set(prefix, count);
    },
    async append(stream, events, expected) {
      for (const [prefix, left] of failing) {
        if (!stream.startsWith(prefix) || left <= 0) continue;
        failing.set(prefix, left - 1);
        throw new TetherError('unavailable', 'the event store is unavailable (test double)');
      }
      return store.append(stream, events, expected);
    },
    readStream: (stream, options) => store.readStream(stream, options),
    readAll: (options) => store.readAll(options),
    subscribeToAll: (options) => store.subscribeToAll(options),
    headPosition: () => store.headPosition(),
    identity: () => store.identity(),
    close: () => store.close(),
  };
}
