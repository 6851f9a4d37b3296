// Helpers for EventStore tests: unique names (the suite may run against a shared server),
// valid events, and reading a subscription with a timeout instead of sleeping.
import { randomUUID } from 'node:crypto';
import type { AllSubscription, EventToAppend, RecordedEvent } from '../../domain/ports/event-store.js';

export const uniqueId = (): string => randomUUID().replaceAll('-', '').slice(0, 16);

/** A category no other test uses: `t<hex>`, so `${category}-` isolates a test's streams. */
export const uniqueCategory = (): string => `t${uniqueId()}`;

export const uniqueStream = (category: string = uniqueCategory()): string => `${category}-${uniqueId()}`;

export function makeEvent(type: string, data: Record<string, unknown> = {}): EventToAppend {
  return {
    type,
    data,
    metadata: {
      actor: { id: 'test', role: 'system' },
      correlationId: randomUUID(),
      causationId: randomUUID(),
      at: new Date().toISOString(),
      previousHash: '',
      hash: '',
    },
  };
}

export const makeEvents = (count: number, type = 'ThingHappened'): EventToAppend[] =>
  Array.from({ length: count }, (_, index) => makeEvent(type, { index }));

/** The error an operation failed with (sync throw or rejection); fails if it succeeded. */
export async function failureOf(operation: () => Promise<unknown>): Promise<unknown> {
  try {
    await operation();
  } catch (error) {
    return error;
  }
  throw new Error('expected the operation to fail, but it succeeded');
}

const timedOut = Symbol('timed out');

/** Reads a subscription one event at a time; a timed-out read stays pending for the next call. */
export class SubscriptionReader {
  private readonly iterator: AsyncIterator<RecordedEvent>;
  private pending: Promise<IteratorResult<RecordedEvent>> | undefined;

  constructor(readonly subscription: AllSubscription) {
    this.iterator = subscription[Symbol.asyncIterator]();
  }

  /** The next event, 'done' when the subscription ended, 'timeout' when none came in time. */
  async next(timeoutMs: number): Promise<RecordedEvent | 'done' | 'timeout'> {
    this.pending ??= this.iterator.next();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<typeof timedOut>((resolve) => {
      timer = setTimeout(() => resolve(timedOut), timeoutMs);
    });
    try {
      const result = await Promise.race([this.pending, timeout]);
      if (result === timedOut) return 'timeout';
      this.pending = undefined;
      return result.done === true ? 'done' : result.value;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The next `count` events that `keep` accepts, skipping the others; throws on timeout or end. */
  async take(count: number, keep: (event: RecordedEvent) => boolean = () => true, timeoutMs = 5000): Promise<RecordedEvent[]> {
    const taken: RecordedEvent[] = [];
    const deadline = Date.now() + timeoutMs;
    while (taken.length < count) {
      const next = await this.next(Math.max(1, deadline - Date.now()));
      if (next === 'timeout' || next === 'done') {
        throw new Error(`subscription gave ${taken.length} of ${count} events, then ${next === 'done' ? 'ended' : 'timed out'}`);
      }
      if (keep(next)) taken.push(next);
    }
    return taken;
  }
}

export const inStreams =
  (prefix: string) =>
  (event: RecordedEvent): boolean =>
    event.stream.startsWith(prefix);

export const key = (event: { stream: string; revision: number }): string => `${event.stream}@${event.revision}`;
