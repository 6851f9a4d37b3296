// A test double at the store's boundary: the store as it is, except that appends to streams of
// one category fail as a store that is unavailable would (as a crash between two appends leaves it).
import { TetherError } from '../../domain/errors.js';
import type { EventStore } from '../../domain/ports/event-store.js';

export interface FailingAppends extends EventStore {
  /** The next `count` appends to streams starting with `prefix` fail, after `after` such appends went through. */
  failNext(prefix: string, count?: number, after?: number): void;
}

export function failingAppends(store: EventStore): FailingAppends {
  const failing = new Map<string, { pass: number; fail: number }>();
  return {
    failNext(prefix, count = 1, after = 0) {
      failing.set(prefix, { pass: after, fail: count });
    },
    async append(stream, events, expected) {
      for (const [prefix, left] of failing) {
        if (!stream.startsWith(prefix) || left.fail <= 0) continue;
        if (left.pass > 0) {
          failing.set(prefix, { ...left, pass: left.pass - 1 });
          continue;
        }
        failing.set(prefix, { ...left, fail: left.fail - 1 });
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
