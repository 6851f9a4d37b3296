// The EventStore port with every append timed: the adapters stay unaware of metrics.
import type { Histogram } from 'prom-client';
import { WrongExpectedVersion } from '../../domain/ports/event-store.js';
import type { EventStore } from '../../domain/ports/event-store.js';

export type AppendOutcome = 'ok' | 'conflict' | 'error';

export function timedEventStore(store: EventStore, appendSeconds: Histogram<'outcome'>): EventStore {
  return {
    async append(stream, events, expected) {
      const stop = appendSeconds.startTimer();
      try {
        const result = await store.append(stream, events, expected);
        stop({ outcome: 'ok' satisfies AppendOutcome });
        return result;
      } catch (error) {
        stop({ outcome: (error instanceof WrongExpectedVersion ? 'conflict' : 'error') satisfies AppendOutcome });
        throw error;
      }
    },
    readStream: (stream, options) => store.readStream(stream, options),
    readAll: (options) => store.readAll(options),
    subscribeToAll: (options) => store.subscribeToAll(options),
    headPosition: () => store.headPosition(),
    identity: () => store.identity(),
    close: () => store.close(),
  };
}
