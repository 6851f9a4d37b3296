// A test double at the store's boundary: the store as it is, keeping the name of every stream
// read, so a test can tell how often a step reads what.
import type { EventStore } from '../../domain/ports/event-store.js';

export interface CountedReads extends EventStore {
  /** Streams read through readStream so far, in order, repeats included. */
  readonly streamsRead: string[];
}

export function countedReads(store: EventStore): CountedReads {
  const streamsRead: string[] = [];
  return {
    streamsRead,
    append: (stream, events, expected) => store.append(stream, events, expected),
    readStream: (stream, options) => {
      streamsRead.push(stream);
      return store.readStream(stream, options);
    },
    readAll: (options) => store.readAll(options),
    subscribeToAll: (options) => store.subscribeToAll(options),
    headPosition: () => store.headPosition(),
    identity: () => store.identity(),
    close: () => store.close(),
  };
}
